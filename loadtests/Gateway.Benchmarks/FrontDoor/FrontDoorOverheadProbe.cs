using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Gateway.FrontDoor;
using Gateway.FrontDoor.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Benchmarks.FrontDoor;

/// <summary>
/// Measures what the front door adds to a request, per request rather than per BenchmarkDotNet iteration, because the
/// question is tail latency: p50/p99 of (a) an upstream called directly, (b) the same upstream through the front door's
/// proxy, (c) an in-process endpoint behind the front door (auth + body inspection + limits only), and how many 429s
/// per second it answers for a tenant over its limit. Run: <c>dotnet run -c Release --project loadtests/Gateway.Benchmarks
/// -- frontdoor-latency [requests]</c>. Everything runs on 127.0.0.1, so the numbers are overhead, not network.
/// </summary>
internal static class FrontDoorOverheadProbe
{
    private const string Key = "sk-bench";
    private const string ResponseJson = """{"id":"c1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"hi"}}]}""";
    private static readonly byte[] s_body = Encoding.UTF8.GetBytes(
        """{"model":"MODEL","max_tokens":16,"messages":[{"role":"user","content":"Say hi to the benchmark."}]}""");

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var requests = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
        await using var upstream = await StartUpstreamAsync();
        await using var frontDoor = await StartFrontDoorAsync(upstream.Address);
        using var client = new HttpClient();

        output.WriteLine($"front door overhead, {requests} sequential requests each, 127.0.0.1, {Environment.ProcessorCount} cores");
        Report(output, "direct upstream", await MeasureAsync(client, upstream.Address, "remote-model", key: null, requests));
        Report(output, "proxied via front door", await MeasureAsync(client, frontDoor.Address, "remote-model", Key, requests));
        Report(output, "local behind front door", await MeasureAsync(client, frontDoor.Address, "local-model", Key, requests));

        var (refused, seconds) = await HammerLimitedTenantAsync(client, frontDoor.Address, TimeSpan.FromSeconds(3));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"429 answered: {refused / seconds:F0}/s (8 concurrent clients, {seconds:F1}s)"));
        return 0;
    }

    private static async Task<double[]> MeasureAsync(HttpClient client, Uri baseAddress, string model, string? key, int requests)
    {
        var body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(s_body).Replace("MODEL", model, StringComparison.Ordinal));
        for (var i = 0; i < Math.Min(200, requests); i++)
        {
            await SendAsync(client, baseAddress, body, key, HttpStatusCode.OK);
        }

        var samples = new double[requests];
        for (var i = 0; i < requests; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await SendAsync(client, baseAddress, body, key, HttpStatusCode.OK);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(samples);
        return samples;
    }

    private static async Task<(long Refused, double Seconds)> HammerLimitedTenantAsync(HttpClient client, Uri baseAddress, TimeSpan duration)
    {
        var body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(s_body).Replace("MODEL", "local-model", StringComparison.Ordinal));
        long refused = 0;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            while (stopwatch.Elapsed < duration)
            {
                if (await SendAsync(client, baseAddress, body, "sk-limited", expected: null) == HttpStatusCode.TooManyRequests)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        }));
        return (refused, stopwatch.Elapsed.TotalSeconds);
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, Uri baseAddress, byte[] body, string? key, HttpStatusCode? expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress, "/v1/chat/completions"))
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (key is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        using var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        if (expected is { } status && response.StatusCode != status)
        {
            throw new InvalidOperationException($"expected {status}, got {response.StatusCode}");
        }

        return response.StatusCode;
    }

    private static void Report(TextWriter output, string name, double[] sorted) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-26} p50 {Percentile(sorted, 0.50):F3} ms   p99 {Percentile(sorted, 0.99):F3} ms"));

    private static double Percentile(double[] sorted, double quantile) =>
        sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];

    private static Task<Server> StartUpstreamAsync() => Server.StartAsync(
        new Dictionary<string, string?>(), frontDoor: false);

    private static Task<Server> StartFrontDoorAsync(Uri upstream) => Server.StartAsync(
        new Dictionary<string, string?>
        {
            ["FrontDoor:Auth:Enabled"] = "true",
            ["FrontDoor:Auth:Keys:0:Hash"] = ApiKeyHasher.HashToHex(Key),
            ["FrontDoor:Auth:Keys:0:Tenant"] = "bench",
            ["FrontDoor:Auth:Keys:1:Hash"] = ApiKeyHasher.HashToHex("sk-limited"),
            ["FrontDoor:Auth:Keys:1:Tenant"] = "limited",
            ["FrontDoor:Tenants:bench:RequestsPerMinute"] = "100000000",
            ["FrontDoor:Tenants:bench:TokensPerMinute"] = "2000000000",
            ["FrontDoor:Tenants:bench:MaxConcurrentRequests"] = "1000",
            ["FrontDoor:Tenants:limited:RequestsPerMinute"] = "1",
            ["FrontDoor:Clusters:remote:Models:0"] = "remote-model",
            ["FrontDoor:Clusters:remote:Destinations:d1:Address"] = upstream.ToString(),
        },
        frontDoor: true);

    private sealed class Server(WebApplication app, Uri address) : IAsyncDisposable
    {
        public Uri Address { get; } = address;

        public static async Task<Server> StartAsync(Dictionary<string, string?> configuration, bool frontDoor)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration.AddInMemoryCollection(configuration);
            builder.Logging.ClearProviders();
            if (frontDoor)
            {
                builder.Services.AddGatewayFrontDoor(builder.Configuration);
            }

            var app = builder.Build();
            if (frontDoor)
            {
                app.UseGatewayFrontDoor();
            }

            app.MapGet("/readyz", () => "ready");
            app.MapPost("/v1/chat/completions", static async (HttpContext context) =>
            {
                // Read the body as a real endpoint would, so the front door's buffering is part of the comparison.
                using var reader = new StreamReader(context.Request.Body);
                await reader.ReadToEndAsync(context.RequestAborted);
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(ResponseJson, context.RequestAborted);
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            return new Server(app, new Uri(address));
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
