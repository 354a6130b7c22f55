using System.Net;
using Gateway.FrontDoor.RateLimiting;
using Gateway.FrontDoor.Tests.Infrastructure;
using Gateway.OpenAi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.FrontDoor.Tests;

/// <summary>Local limits with a frozen clock, so no refill happens unless a test advances time.</summary>
public sealed class RateLimitTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private Task<FrontDoorTestHost> StartAsync(
        int rpm = 0, int tpm = 0, int concurrency = 0, Action<WebApplication>? endpoints = null) =>
        FrontDoorTestHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["FrontDoor:DefaultTenant:RequestsPerMinute"] = rpm.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["FrontDoor:DefaultTenant:TokensPerMinute"] = tpm.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["FrontDoor:DefaultTenant:MaxConcurrentRequests"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            services => services.AddSingleton<TimeProvider>(_time),
            endpoints);

    [Fact]
    public async Task Requests_over_rpm_get_429_with_headers_and_retry_after()
    {
        await using var host = await StartAsync(rpm: 3);
        for (var i = 0; i < 3; i++)
        {
            using var admitted = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest());
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
            Assert.Equal("3", Header(admitted, RateLimitHeaders.LimitRequests));
            Assert.Equal((2 - i).ToString(System.Globalization.CultureInfo.InvariantCulture), Header(admitted, RateLimitHeaders.RemainingRequests));
        }

        using var refused = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest());
        var message = await OpenAiErrorAssert.HasErrorAsync(refused, HttpStatusCode.TooManyRequests, OpenAiErrorTypes.RateLimit, "rate_limit_exceeded");
        Assert.Contains("requests per minute", message, StringComparison.Ordinal);
        Assert.Equal("0", Header(refused, RateLimitHeaders.RemainingRequests));
        Assert.Equal("1m0s", Header(refused, RateLimitHeaders.ResetRequests));
        // One request refills in 60s / 3 = 20s.
        Assert.Equal("20", Header(refused, "Retry-After"));

        _time.Advance(TimeSpan.FromSeconds(20));
        using var refilled = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest());
        Assert.Equal(HttpStatusCode.OK, refilled.StatusCode);
    }

    [Fact]
    public async Task Token_reservation_over_tpm_gets_429_naming_tokens()
    {
        await using var host = await StartAsync(tpm: 1000);
        using var first = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest(maxTokens: 600));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("1000", Header(first, RateLimitHeaders.LimitTokens));
        var remaining = int.Parse(Header(first, RateLimitHeaders.RemainingTokens)!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(remaining, 390, 399);

        using var refused = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest(maxTokens: 600));
        var message = await OpenAiErrorAssert.HasErrorAsync(refused, HttpStatusCode.TooManyRequests, OpenAiErrorTypes.RateLimit, "rate_limit_exceeded");
        Assert.Contains("tokens per minute", message, StringComparison.Ordinal);
        Assert.NotNull(Header(refused, "Retry-After"));
    }

    [Fact]
    public async Task A_request_larger_than_the_whole_tpm_is_refused_outright()
    {
        await using var host = await StartAsync(tpm: 100);
        using var refused = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest(maxTokens: 500));
        var message = await OpenAiErrorAssert.HasErrorAsync(refused, HttpStatusCode.TooManyRequests, OpenAiErrorTypes.RateLimit, "rate_limit_exceeded");
        Assert.Contains("Request too large", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_requests_over_the_limit_get_429()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await StartAsync(concurrency: 1, endpoints: app => app.MapPost("/v1/chat/completions", async () =>
        {
            entered.TrySetResult();
            await release.Task;
            return "done";
        }));

        var first = host.Client.SendAsync(FrontDoorTestHost.ChatRequest());
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        using (var refused = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest()))
        {
            var message = await OpenAiErrorAssert.HasErrorAsync(refused, HttpStatusCode.TooManyRequests, OpenAiErrorTypes.RateLimit, "rate_limit_exceeded");
            Assert.Contains("concurrent", message, StringComparison.Ordinal);
            Assert.Equal("1", Header(refused, "Retry-After"));
        }

        release.SetResult();
        using var firstResponse = await first;
        Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
        using var afterwards = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest());
        Assert.Equal(HttpStatusCode.OK, afterwards.StatusCode);
    }

    [Fact]
    public async Task Reported_usage_refunds_the_unused_reservation()
    {
        await using var host = await StartAsync(tpm: 1000, endpoints: app => app.MapPost("/v1/chat/completions",
            async (HttpContext context, ITokenUsageReporter usage) =>
            {
                await usage.ReportAsync(context, promptTokens: 10, completionTokens: 10);
                await usage.ReportAsync(context, promptTokens: 10, completionTokens: 10);
                return "ok";
            }));

        // Each reserves ~600 of 1000 but uses 20: without the refund the second would be refused.
        for (var i = 0; i < 3; i++)
        {
            using var response = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest(maxTokens: 600));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var limiter = host.Services.GetRequiredService<ITenantRateLimiter>();
        var tenant = host.Services.GetRequiredService<Tenants.TenantDirectory>().Anonymous;
        var decision = await limiter.TryAcquireAsync(tenant, 0, CancellationToken.None);
        Assert.Equal(940, decision.Tokens.Remaining);
    }

    [Fact]
    public async Task Usage_above_the_reservation_is_charged()
    {
        await using var host = await StartAsync(tpm: 1000, endpoints: app => app.MapPost("/v1/chat/completions",
            async (HttpContext context, ITokenUsageReporter usage) =>
            {
                await usage.ReportAsync(context, promptTokens: 300, completionTokens: 500);
                return "ok";
            }));

        using var response = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest(maxTokens: 100));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var limiter = host.Services.GetRequiredService<ITenantRateLimiter>();
        var tenant = host.Services.GetRequiredService<Tenants.TenantDirectory>().Anonymous;
        var decision = await limiter.TryAcquireAsync(tenant, 0, CancellationToken.None);
        Assert.Equal(200, decision.Tokens.Remaining);
    }

    [Fact]
    public async Task Unreported_requests_keep_their_reservation()
    {
        await using var host = await StartAsync(tpm: 1000);
        using var first = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest(maxTokens: 600));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var second = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest(maxTokens: 600));
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;
}
