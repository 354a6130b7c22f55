using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Gateway.Api;
using Gateway.FrontDoor.Auth;
using Gateway.Serving;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Gateway.Hosting;

/// <summary>
/// The second half of the start-up warm-up. The engine warm-up brings the forward pass and the scheduler to optimized
/// code, but a served token also runs Kestrel, the front door, JSON parsing and SSE writing, and .NET compiles those
/// optimized only after they have run a while: measured on a 134M Q4_0 model, the first two streamed requests after
/// ready decoded at about half the steady rate. So once the engine is warm this service sends
/// <see cref="ApiOptions.WarmupRequests"/> real requests, in the shapes clients send, to the gateway's own loopback
/// endpoint, authenticated with the process's <see cref="InternalCallerKey"/>; <c>/readyz</c> waits for it.
/// </summary>
internal sealed class HttpPathWarmup(
    IGenerationService service,
    IServer server,
    IHostApplicationLifetime lifetime,
    InternalCallerKey internalCaller,
    IOptions<ApiOptions> api,
    IOptions<ServingOptions> serving,
    ILogger<HttpPathWarmup> logger) : BackgroundService
{
    private const int MaxTokens = 32;

    private volatile bool _finished;

    /// <summary>Whether the warm-up has ended (done, skipped or failed): readiness no longer waits for it.</summary>
    public bool Finished => _finished;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var count = api.Value.WarmupRequests;
            if (count == 0 || serving.Value.WarmupSeconds == 0)
            {
                return;
            }

            await WhenStartedAsync(stoppingToken).ConfigureAwait(false);
            while (service.Snapshot().WarmingUp)
            {
                await Task.Delay(50, stoppingToken).ConfigureAwait(false);
            }

            if (LoopbackAddress() is not { } address || internalCaller.Key is not { } key)
            {
                GatewayHostLog.HttpWarmupSkipped(logger);
                return;
            }

            var clock = Stopwatch.StartNew();
            using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var failed = 0;
            for (var i = 0; i < count && !stoppingToken.IsCancellationRequested; i++)
            {
                if (!await SendAsync(http, i, stoppingToken).ConfigureAwait(false))
                {
                    failed++;
                }
            }

            GatewayHostLog.HttpWarmupFinished(logger, clock.Elapsed, count, failed);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            // A failed warm-up costs speed, never availability: the gateway still becomes ready.
            GatewayHostLog.HttpWarmupFailed(logger, exception);
        }
        finally
        {
            internalCaller.Revoke();
            _finished = true;
        }
    }

    /// <summary>One request of the rotation: completions and chat, each streamed and whole.</summary>
    private async Task<bool> SendAsync(HttpClient http, int index, CancellationToken cancellationToken)
    {
        var model = service.Model.Name;
        var stream = index % 2 == 0;
        var chat = index % 4 >= 2;
        object body = chat
            ? new { model, messages = new[] { new { role = "user", content = "Tell me a short story." } }, max_tokens = MaxTokens, stream, ignore_eos = true }
            : new { model, prompt = "Once upon a time", max_tokens = MaxTokens, stream, ignore_eos = true, temperature = 0 };
        using var response = await http.PostAsJsonAsync(chat ? "/v1/chat/completions" : "/v1/completions", body, cancellationToken).ConfigureAwait(false);

        // Reading to the end runs the same per-event writes and flushes a client would cause.
        await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode;
    }

    private async Task WhenStartedAsync(CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = cancellationToken.Register(() => started.TrySetCanceled(cancellationToken));
        await started.Task.ConfigureAwait(false);
    }

    /// <summary>An http address the server listens on, with a wildcard host replaced by the loopback address.</summary>
    private Uri? LoopbackAddress()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            if (!address.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var builder = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
            if (builder.Host is "0.0.0.0" or "[::]" or "::" or "localhost")
            {
                builder.Host = "127.0.0.1";
            }

            return builder.Uri;
        }

        return null;
    }
}
