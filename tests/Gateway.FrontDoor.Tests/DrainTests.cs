using System.Net;
using Gateway.FrontDoor.Drain;
using Gateway.FrontDoor.Tests.Infrastructure;
using Gateway.OpenAi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.FrontDoor.Tests;

public sealed class DrainTests
{
    private static Action<WebApplication> SlowStream(TaskCompletionSource release) => app =>
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            await context.Response.WriteAsync("part-1\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await release.Task.WaitAsync(context.RequestAborted);
            await context.Response.WriteAsync("part-2\n", context.RequestAborted);
        });

    [Fact]
    public async Task In_flight_requests_complete_while_new_ones_get_503()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await FrontDoorTestHost.StartAsync(
            new Dictionary<string, string?> { ["Drain:TimeoutSeconds"] = "30", ["Drain:RetryAfterSeconds"] = "3" },
            mapEndpoints: SlowStream(release));
        var drain = host.Services.GetRequiredService<IDrainState>();

        using var inFlight = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest(), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await inFlight.Content.ReadAsStreamAsync());
        Assert.Equal("part-1", await reader.ReadLineAsync());

        var stopping = host.App.StopAsync();
        await WaitUntilAsync(() => drain.IsDraining);

        using (var late = new HttpClient { BaseAddress = host.Address })
        using (var refused = await late.SendAsync(FrontDoorTestHost.ChatRequest()))
        {
            await OpenAiErrorAssert.HasErrorAsync(refused, HttpStatusCode.ServiceUnavailable, OpenAiErrorTypes.Server, "draining");
            Assert.Equal("3", refused.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.False(stopping.IsCompleted);
        Assert.False(drain.DrainDeadline.IsCancellationRequested);
        release.SetResult();
        Assert.Equal("part-2", await reader.ReadLineAsync());
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Requests_still_running_at_the_drain_timeout_are_cancelled()
    {
        var neverReleased = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await FrontDoorTestHost.StartAsync(
            new Dictionary<string, string?> { ["Drain:TimeoutSeconds"] = "1" }, mapEndpoints: SlowStream(neverReleased));
        var drain = host.Services.GetRequiredService<IDrainState>();

        using var inFlight = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest(), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await inFlight.Content.ReadAsStreamAsync());
        Assert.Equal("part-1", await reader.ReadLineAsync());

        await host.App.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(drain.DrainDeadline.IsCancellationRequested);
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            var rest = await reader.ReadToEndAsync();
            Assert.DoesNotContain("part-2", rest, StringComparison.Ordinal);
            throw new IOException("stream ended without the final part");
        });
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within 10s");
            await Task.Delay(10);
        }
    }
}
