using System.Net;
using Gateway.FrontDoor.Auth;
using Gateway.FrontDoor.Requests;
using Gateway.FrontDoor.Tests.Infrastructure;
using Gateway.OpenAi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.FrontDoor.Tests;

public sealed class ApiKeyAuthenticationTests
{
    private const string AcmeKey = "sk-acme-0123456789";

    private static Dictionary<string, string?> AuthConfig(string? keysFile = null) => new()
    {
        ["FrontDoor:Auth:Enabled"] = "true",
        ["FrontDoor:Auth:Keys:0:Hash"] = ApiKeyHasher.HashToHex(AcmeKey),
        ["FrontDoor:Auth:Keys:0:Tenant"] = "acme",
        ["FrontDoor:Auth:KeysFile"] = keysFile,
        ["FrontDoor:Tenants:acme:Priority"] = "7",
    };

    private static void MapTenantEcho(WebApplication app) =>
        app.MapPost("/v1/chat/completions", (HttpContext context) =>
        {
            var feature = context.Features.Get<IFrontDoorRequestFeature>()!;
            return $"{feature.Tenant}/{feature.Priority}";
        });

    [Fact]
    public async Task Missing_key_is_401_invalid_api_key()
    {
        await using var host = await FrontDoorTestHost.StartAsync(AuthConfig());
        using var response = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest());
        var message = await OpenAiErrorAssert.HasErrorAsync(response, HttpStatusCode.Unauthorized, OpenAiErrorTypes.InvalidRequest, "invalid_api_key");
        Assert.Contains("didn't provide", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_key_and_wrong_scheme_are_401()
    {
        await using var host = await FrontDoorTestHost.StartAsync(AuthConfig());
        using var wrong = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest("sk-acme-0123456788"));
        await OpenAiErrorAssert.HasErrorAsync(wrong, HttpStatusCode.Unauthorized, OpenAiErrorTypes.InvalidRequest, "invalid_api_key");

        using var basic = FrontDoorTestHost.ChatRequest();
        basic.Headers.TryAddWithoutValidation("Authorization", "Basic " + AcmeKey);
        using var basicResponse = await host.Client.SendAsync(basic);
        await OpenAiErrorAssert.HasErrorAsync(basicResponse, HttpStatusCode.Unauthorized, OpenAiErrorTypes.InvalidRequest, "invalid_api_key");
    }

    [Fact]
    public async Task Internal_caller_key_passes_as_its_own_tenant_until_revoked()
    {
        await using var host = await FrontDoorTestHost.StartAsync(AuthConfig(), mapEndpoints: MapTenantEcho);
        var internalCaller = host.Services.GetRequiredService<InternalCallerKey>();
        var key = internalCaller.Key!;
        Assert.Equal(64, key.Length);

        using (var response = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest(key)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith($"{InternalCallerKey.Tenant}/", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        internalCaller.Revoke();
        Assert.Null(internalCaller.Key);
        using var revoked = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest(key));
        await OpenAiErrorAssert.HasErrorAsync(revoked, HttpStatusCode.Unauthorized, OpenAiErrorTypes.InvalidRequest, "invalid_api_key");
    }

    [Fact]
    public async Task Valid_key_reaches_the_endpoint_as_its_tenant()
    {
        await using var host = await FrontDoorTestHost.StartAsync(AuthConfig(), mapEndpoints: MapTenantEcho);
        using var response = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest(AcmeKey));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("acme/7", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Auth_off_makes_every_caller_anonymous()
    {
        await using var host = await FrontDoorTestHost.StartAsync(new Dictionary<string, string?>(), mapEndpoints: MapTenantEcho);
        using var response = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest());
        Assert.Equal("anonymous/0", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Probes_outside_v1_need_no_key()
    {
        await using var host = await FrontDoorTestHost.StartAsync(AuthConfig());
        using var response = await host.Client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Keys_file_is_loaded_and_reloaded_when_it_changes()
    {
        var path = Path.Combine(Path.GetTempPath(), $"frontdoor-keys-{Guid.NewGuid():N}.json");
        try
        {
            await File.WriteAllTextAsync(path, KeysFile(("sk-file-one", "beta")));
            await using var host = await FrontDoorTestHost.StartAsync(AuthConfig(path), mapEndpoints: MapTenantEcho);

            using (var first = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest("sk-file-one")))
            {
                Assert.Equal("beta/0", await first.Content.ReadAsStringAsync());
            }

            await File.WriteAllTextAsync(path, KeysFile(("sk-file-two", "gamma")));
            Assert.True(host.Services.GetRequiredService<KeysFileReloader>().ReloadIfChanged());

            using var rotatedOut = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest("sk-file-one"));
            Assert.Equal(HttpStatusCode.Unauthorized, rotatedOut.StatusCode);
            using var rotatedIn = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest("sk-file-two"));
            Assert.Equal("gamma/0", await rotatedIn.Content.ReadAsStringAsync());
            using var configured = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest(AcmeKey));
            Assert.Equal(HttpStatusCode.OK, configured.StatusCode);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Hasher_matches_the_sha256_test_vector()
    {
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ApiKeyHasher.HashToHex("abc"));
    }

    [Fact]
    public void Hash_key_command_reads_stdin_and_rejects_nothing()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, HashKeyCommand.Run([], new StringReader("abc\n"), output, error));
        Assert.Equal(ApiKeyHasher.HashToHex("abc"), output.ToString().Trim());
        Assert.Equal(2, HashKeyCommand.Run([], new StringReader(""), output, error));
    }

    private static string KeysFile((string Key, string Tenant) entry) =>
        $$"""{"keys":[{"hash":"{{ApiKeyHasher.HashToHex(entry.Key)}}","tenant":"{{entry.Tenant}}"}]}""";
}
