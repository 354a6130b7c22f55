using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Hosting;

namespace Gateway.Tests.Fuzzing;

/// <summary>The gateway process (front door on, real Kestrel, stories260K with <see cref="FuzzModel"/>'s template) shared by the fuzz tests.</summary>
public sealed class FuzzGatewayFixture : IAsyncLifetime
{
    internal GatewayServerProcess Server { get; private set; } = null!;

    internal HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await GatewayServerProcess.StartAsync(
            "--model", FuzzModel.Path, "--Model:Name=stories260K",
            // Valid bodies generate a few tokens at most; anything asking for more is a 400, which keeps the run short.
            "--Api:MaxTokensCap=8",
            "--Admission:Enabled=false",
            // Thousands of requests in seconds: the tenant limits would answer most of them with 429 instead.
            "--FrontDoor:DefaultTenant:RequestsPerMinute=0", "--FrontDoor:DefaultTenant:TokensPerMinute=0",
            "--FrontDoor:DefaultTenant:MaxConcurrentRequests=0");
        Http = new HttpClient { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
    }

    public Task DisposeAsync()
    {
        Http.Dispose();
        Server.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// Property: whatever bytes a client sends to either endpoint, the answer is never a 5xx, every error has OpenAI's
/// shape, and the server still serves a normal request afterwards. Seeded; <c>GATEWAY_FUZZ_BODIES</c> and
/// <c>GATEWAY_FUZZ_SEED</c> turn it into a longer run (e.g. <c>GATEWAY_FUZZ_BODIES=100000 dotnet test tests/Gateway.Tests
/// -c Release --filter RequestFuzzTests</c>).
/// </summary>
public sealed class RequestFuzzTests(FuzzGatewayFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<FuzzGatewayFixture>
{
    private const int DefaultBodies = 2000;
    private const int DefaultSeed = 20261129;
    private const int Clients = 4;

    public static TheoryData<string, string, byte[], string> NamedCases => new()
    {
        // The two classes of input that used to be 500s from the front door's body inspection.
        {
            "invalid UTF-8 inside a string", RequestFuzzer.ChatPath,
            [.. """{"model":"stories260K","max_tokens":2,"messages":[{"role":"user","content":"Once"""u8, 0xC3, 0x28, 0xFF, .. "\"}]}"u8],
            "messages[0].content"
        },
        {
            "unpaired surrogate escape", RequestFuzzer.CompletionsPath,
            """{"model":"stories260K","max_tokens":2,"prompt":"\ud800x"}"""u8.ToArray(), "prompt"
        },
        {
            "nested 10,000 levels deep", RequestFuzzer.CompletionsPath,
            Encoding.ASCII.GetBytes("{\"model\":\"stories260K\",\"prompt\":" + new string('[', 10_000) + new string(']', 10_000) + "}"), "prompt"
        },
        {
            "temperature beyond double", RequestFuzzer.CompletionsPath,
            """{"model":"stories260K","max_tokens":2,"prompt":"x","temperature":1e400}"""u8.ToArray(), "temperature"
        },
        {
            "max_tokens beyond 64 bits", RequestFuzzer.ChatPath,
            """{"model":"stories260K","max_tokens":123456789012345678901234567890,"messages":[{"role":"user","content":"x"}]}"""u8.ToArray(), "max_tokens"
        },
        {
            "seed beyond 64 bits", RequestFuzzer.CompletionsPath,
            """{"model":"stories260K","max_tokens":2,"prompt":"x","seed":18446744073709551616}"""u8.ToArray(), "seed"
        },
        {
            "stream of the wrong type", RequestFuzzer.ChatPath,
            """{"model":"stories260K","stream":"yes","messages":[{"role":"user","content":"x"}]}"""u8.ToArray(), "stream"
        },
        // The template needs `functions` for a system-first conversation: it fails while rendering, as
        // llama-3-firefunction-v2's does under Jinja2. The request's conversation is at fault, not the server.
        {
            "template fails at render time", RequestFuzzer.ChatPath,
            """{"model":"stories260K","max_tokens":2,"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]}"""u8.ToArray(),
            "messages"
        },
    };

    [Theory]
    [MemberData(nameof(NamedCases))]
    public async Task Named_hostile_inputs_are_400s_naming_their_parameter(string name, string path, byte[] body, string param)
    {
        using var response = await SendAsync(new FuzzCase(name, path, body, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: {(int)response.StatusCode} {text}");
        var error = AssertOpenAiError(text, name);
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        await AssertServesANormalRequestAsync();
    }

    [Fact]
    public async Task Thousands_of_generated_bodies_never_get_a_5xx_and_every_error_has_OpenAIs_shape()
    {
        var count = ReadSetting("GATEWAY_FUZZ_BODIES", DefaultBodies);
        var seed = ReadSetting("GATEWAY_FUZZ_SEED", DefaultSeed);
        var next = -1;
        var statuses = new int[600];
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();

        // Each client draws from its own seeded generator: case i is the same in every run whatever the scheduling.
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            var fuzzer = new RequestFuzzer(seed + client);
            int index;
            while ((index = Interlocked.Increment(ref next)) < count && failures.Count < 20)
            {
                var fuzz = fuzzer.Next();
                var problem = await CheckAsync(fuzz);
                if (problem is { } statusAndText)
                {
                    failures.Enqueue($"seed {seed + client}, case {index}: {statusAndText}\n  request: {fuzz}");
                }
            }
        })));

        output.WriteLine($"{count} bodies, seeds {seed}..{seed + Clients - 1}; answers: " + string.Join(", ",
            statuses.Select((n, status) => (n, status)).Where(static p => p.n > 0).Select(static p => $"{p.status}: {p.n}")));
        Assert.True(failures.IsEmpty, string.Join("\n", failures));

        // Not only refusals: a good share of the generated bodies must have been served, or the run proved little.
        Assert.True(statuses[200] >= count / 20, $"only {statuses[200]} of {count} bodies were served");
        await AssertServesANormalRequestAsync();

        async Task<string?> CheckAsync(FuzzCase fuzz)
        {
            using var response = await SendAsync(fuzz);
            Interlocked.Increment(ref statuses[Math.Clamp((int)response.StatusCode, 0, statuses.Length - 1)]);
            var text = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode >= 500)
            {
                return $"{(int)response.StatusCode} {text}";
            }

            if (response.StatusCode == HttpStatusCode.OK)
            {
                var streamed = response.Content.Headers.ContentType?.MediaType == "text/event-stream";
                return streamed && !text.EndsWith("data: [DONE]\n\n", StringComparison.Ordinal) ? $"stream without [DONE]: {text}" : null;
            }

            try
            {
                AssertOpenAiError(text, fuzz.Name);
                return null;
            }
            catch (Exception ex) when (ex is Xunit.Sdk.XunitException or JsonException or InvalidOperationException or KeyNotFoundException)
            {
                return $"{(int)response.StatusCode} not in OpenAI's error shape: {text}";
            }
        }
    }

    private Task<HttpResponseMessage> SendAsync(FuzzCase fuzz)
    {
        var content = new ByteArrayContent(fuzz.Body);
        if (fuzz.ContentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(fuzz.ContentType);
        }

        return fixture.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, fuzz.Path) { Content = content });
    }

    private static JsonElement AssertOpenAiError(string text, string name)
    {
        using var document = JsonDocument.Parse(text);
        var error = document.RootElement.GetProperty("error");
        Assert.True(error.GetProperty("message").GetString() is { Length: > 0 }, $"{name}: empty message");
        Assert.True(error.GetProperty("type").ValueKind == JsonValueKind.String, $"{name}: type");
        Assert.True(error.GetProperty("param").ValueKind is JsonValueKind.String or JsonValueKind.Null, $"{name}: param");
        Assert.True(error.GetProperty("code").ValueKind is JsonValueKind.String or JsonValueKind.Null, $"{name}: code");
        return error.Clone();
    }

    private async Task AssertServesANormalRequestAsync()
    {
        using var content = new StringContent(
            """{"model":"stories260K","prompt":"Once upon a time","max_tokens":4,"temperature":0}""", Encoding.UTF8, "application/json");
        using var response = await fixture.Http.PostAsync(new Uri(RequestFuzzer.CompletionsPath, UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var document = JsonDocument.Parse(text);
        Assert.Equal(4, document.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    private static int ReadSetting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
