namespace Gateway.Api.Tests.Infrastructure;

/// <summary>One server shared by a test class: loading the model and starting Kestrel once keeps the suite fast.</summary>
public sealed class GatewayServerFixture : IAsyncLifetime
{
    public GatewayServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await GatewayServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
