using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.FrontDoor.Tests.Infrastructure;
using Gateway.OpenAi;

namespace Gateway.FrontDoor.Tests;

public sealed class RequestInspectionTests
{
    [Fact]
    public async Task The_endpoint_reads_the_whole_body_after_the_front_door_did()
    {
        await using var host = await FrontDoorTestHost.StartAsync(new Dictionary<string, string?>());
        var prompt = new string('x', 200_000);
        using var response = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest(prompt: prompt));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var echoed = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        using var body = JsonDocument.Parse(echoed.RootElement.GetProperty("received").GetString()!);
        Assert.Equal("local-model", body.RootElement.GetProperty("model").GetString());
        Assert.Equal(prompt, body.RootElement.GetProperty("messages")[0].GetProperty("content").GetString());
    }

    [Fact]
    public async Task Bodies_over_the_cap_get_413_whether_declared_or_streamed()
    {
        await using var host = await FrontDoorTestHost.StartAsync(new Dictionary<string, string?> { ["FrontDoor:MaxInspectedBodyBytes"] = "1024" });
        var json = $$"""{"model":"m","prompt":"{{new string('y', 4096)}}"}""";

        using var declared = await host.Client.PostAsync(
            new Uri("/v1/chat/completions", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
        await OpenAiErrorAssert.HasErrorAsync(declared, HttpStatusCode.RequestEntityTooLarge, OpenAiErrorTypes.InvalidRequest, "request_too_large");

        using var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        chunked.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var streamed = await host.Client.SendAsync(request);
        await OpenAiErrorAssert.HasErrorAsync(streamed, HttpStatusCode.RequestEntityTooLarge, OpenAiErrorTypes.InvalidRequest, "request_too_large");
    }
}
