using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Endpoints;

/// <summary>Wire-level checks: SSE framing, the error JSON shape, and the parameters SDKs do not all expose.</summary>
public sealed class RawHttpTests(GatewayServerFixture fixture) : IClassFixture<GatewayServerFixture>
{
    private const string StoriesGolden =
        " Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high";

    private HttpClient Http => fixture.Server.Http;

    [Fact]
    public async Task Greedy_completion_from_bos_reproduces_the_known_stories260K_text()
    {
        var body = await PostJson("/v1/completions", new { model = GatewayServer.ModelName, prompt = "", max_tokens = 60, temperature = 0 });
        var choice = body.GetProperty("choices")[0];
        Assert.Equal(StoriesGolden, choice.GetProperty("text").GetString());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal("text_completion", body.GetProperty("object").GetString());
        Assert.Equal(60, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Stop_sequence_ends_the_text_before_it_and_is_never_emitted()
    {
        var body = await PostJson("/v1/completions", new { model = GatewayServer.ModelName, prompt = "", max_tokens = 60, temperature = 0, stop = new[] { " named" } });
        var choice = body.GetProperty("choices")[0];
        Assert.Equal(" Once upon a time, there was a little girl", choice.GetProperty("text").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Streaming_uses_openai_sse_framing()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new
            {
                model = GatewayServer.ModelName,
                messages = new[] { new { role = "user", content = "hello" } },
                max_tokens = 8,
                temperature = 0,
                stream = true,
                stream_options = new { include_usage = true },
            }),
        };
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var raw = await response.Content.ReadAsStringAsync();

        var events = raw.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e => Assert.StartsWith("data: ", e, StringComparison.Ordinal));
        Assert.Equal("data: [DONE]", events[^1]);
        Assert.EndsWith("\n\n", raw, StringComparison.Ordinal);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        var finishChunk = chunks[^2];
        Assert.Equal("length", finishChunk.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var usageChunk = chunks[^1];
        Assert.Equal(0, usageChunk.GetProperty("choices").GetArrayLength());
        Assert.Equal(8, usageChunk.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
    }

    [Fact]
    public async Task N_equals_two_returns_two_indexed_choices()
    {
        var body = await PostJson("/v1/chat/completions", new
        {
            model = GatewayServer.ModelName,
            messages = new[] { new { role = "user", content = "A story" } },
            max_tokens = 12,
            temperature = 1.0,
            seed = 7,
            n = 2,
        });
        var choices = body.GetProperty("choices");
        Assert.Equal(2, choices.GetArrayLength());
        Assert.Equal(0, choices[0].GetProperty("index").GetInt32());
        Assert.Equal(1, choices[1].GetProperty("index").GetInt32());
        Assert.Equal(24, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Token_id_prompts_and_logprobs_are_supported()
    {
        var body = await PostJson("/v1/completions", new { model = GatewayServer.ModelName, prompt = new[] { 1 }, max_tokens = 5, temperature = 0, logprobs = 2 });
        var logprobs = body.GetProperty("choices")[0].GetProperty("logprobs");
        Assert.Equal(5, logprobs.GetProperty("tokens").GetArrayLength());
        Assert.All(logprobs.GetProperty("token_logprobs").EnumerateArray(), l => Assert.True(l.GetSingle() <= 0));
        Assert.Equal(2, logprobs.GetProperty("top_logprobs")[0].EnumerateObject().Count());
    }

    [Theory]
    [InlineData("""{"model":"stories260K","messages":[{"role":"user","content":"hi"}],"temperature":"hot"}""", "temperature", "invalid_type")]
    [InlineData("""{"model":"stories260K","messages":[{"role":"user","content":"hi"}],"max_tokens":-3}""", "max_tokens", "invalid_value")]
    [InlineData("""{"model":"stories260K","messages":[{"role":"user","content":"hi"}],"top_p":1.5}""", "top_p", "invalid_value")]
    [InlineData("""{"model":"stories260K","messages":[{"role":"wizard","content":"hi"}]}""", "messages[0].role", "invalid_value")]
    [InlineData("""{"model":"stories260K"}""", "messages", "missing_required_parameter")]
    [InlineData("""{"model":"stories260K","messages":[]}""", "messages", "empty_array")]
    [InlineData("""{"model":"stories260K","messages":[{"role":"user","content":"hi"}],"stop":["a","b","c","d","e"]}""", "stop", "invalid_value")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", "model", "missing_required_parameter")]
    public async Task Bad_parameters_get_400_in_openai_shape(string json, string param, string code)
    {
        using var response = await Http.PostAsync("/v1/chat/completions", new StringContent(json, Encoding.UTF8, "application/json"));
        var error = await AssertError(response, HttpStatusCode.BadRequest, "invalid_request_error");
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Malformed_json_is_a_400()
    {
        using var response = await Http.PostAsync("/v1/chat/completions", new StringContent("{\"model\":", Encoding.UTF8, "application/json"));
        await AssertError(response, HttpStatusCode.BadRequest, "invalid_request_error");
    }

    [Fact]
    public async Task Oversized_body_is_a_413()
    {
        var huge = new string('x', 100_000);
        using var response = await Http.PostAsJsonAsync("/v1/completions", new { model = GatewayServer.ModelName, prompt = huge });
        await AssertError(response, HttpStatusCode.RequestEntityTooLarge, "invalid_request_error");
    }

    [Fact]
    public async Task Prompt_longer_than_the_context_is_a_400_with_token_counts()
    {
        var tokens = Enumerable.Repeat(100, 600).ToArray();
        using var response = await Http.PostAsJsonAsync("/v1/completions", new { model = GatewayServer.ModelName, prompt = tokens, max_tokens = 10 });
        var error = await AssertError(response, HttpStatusCode.BadRequest, "invalid_request_error");
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.Contains("512", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("600", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_route_is_a_404_in_openai_shape()
    {
        using var response = await Http.GetAsync("/v1/engines");
        await AssertError(response, HttpStatusCode.NotFound, "invalid_request_error");
    }

    [Fact]
    public async Task Health_and_readiness_answer()
    {
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/readyz")).StatusCode);
    }

    private async Task<JsonElement> PostJson(string path, object payload)
    {
        using var response = await Http.PostAsJsonAsync(path, payload);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    internal static async Task<JsonElement> AssertError(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.True(error.TryGetProperty("param", out _));
        Assert.True(error.TryGetProperty("code", out _));
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal); // never a stack trace
        return error;
    }
}
