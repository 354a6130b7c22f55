using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using SpikeReplay.Scenarios;

namespace SpikeReplay.Client;

/// <summary>
/// Sends one streaming completion and measures it token by token: headers are read before the body
/// (ResponseHeadersRead) and SSE is parsed as bytes arrive, so TTFT and inter-token gaps reflect the wire, not buffering.
/// </summary>
internal sealed class StreamingCompletionClient : IDisposable
{
    private const int ReadBufferBytes = 16 * 1024;
    private const int MaxErrorBodyChars = 64 * 1024;

    private readonly HttpClient _http;
    private readonly ClientSettings _settings;
    private readonly Uri _endpoint;

    public StreamingCompletionClient(ClientSettings settings)
    {
        _settings = settings;
        _endpoint = new Uri(settings.BaseUrl, settings.Chat ? "v1/chat/completions" : "v1/completions");
        _http = CreateHttpClient(settings.MaxConnections);
    }

    /// <summary>
    /// One pooled client for the whole run. Proxies are off so the loopback guard cannot be bypassed by an
    /// environment proxy; the connection cap matches the in-flight cap so no request waits for a socket unseen.
    /// </summary>
    public static HttpClient CreateHttpClient(int maxConnections)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            MaxConnectionsPerServer = Math.Max(1, maxConnections),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            AutomaticDecompression = DecompressionMethods.None,
        };
        return new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task<RequestRecord> SendAsync(PlannedRequest plan, string prompt, RunClock clock, CancellationToken cancellation)
    {
        var body = CompletionRequestBody.Build(_settings.Chat, plan.Model ?? _settings.Model, prompt, plan.MaxTokens);
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (_settings.ApiKey is { Length: > 0 } key)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(_settings.RequestTimeout);
        var measurement = new StreamMeasurement(clock.NowMilliseconds, plan.MaxTokens);
        var template = new RequestRecord
        {
            Index = plan.Index,
            Phase = plan.Phase,
            ScheduledMilliseconds = plan.OffsetMilliseconds,
            SentMilliseconds = measurement.SentMilliseconds,
            Outcome = RequestOutcome.TransportError,
            PromptTokens = plan.PromptTokens,
            MaxTokens = plan.MaxTokens,
        };

        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token)
                .ConfigureAwait(false);
            measurement.StatusCode = (int)response.StatusCode;
            measurement.HasRetryAfter = response.Headers.RetryAfter is not null;
            if (!response.IsSuccessStatusCode)
            {
                var text = await ReadBoundedAsync(response.Content, timeout.Token).ConfigureAwait(false);
                measurement.Finish(clock.NowMilliseconds);
                return measurement.ToRecord(template, RequestOutcome.HttpError, ErrorText.FromBody(text));
            }

            await ReadStreamAsync(response.Content, measurement, clock, timeout.Token).ConfigureAwait(false);
            measurement.Finish(clock.NowMilliseconds);
            if (measurement.StreamError is { } streamError)
            {
                return measurement.ToRecord(template, RequestOutcome.StreamError, streamError);
            }

            return measurement.SawDone
                ? measurement.ToRecord(template, RequestOutcome.Completed, null)
                : measurement.ToRecord(template, RequestOutcome.StreamError, "stream ended without data: [DONE]");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            measurement.Finish(clock.NowMilliseconds);
            var reason = cancellation.IsCancellationRequested
                ? "cancelled at the run's drain deadline"
                : $"no completion within {_settings.RequestTimeout.TotalSeconds:0.#} s";
            return measurement.ToRecord(template, RequestOutcome.Timeout, reason);
        }
        catch (HttpRequestException ex) when (measurement.StatusCode is null)
        {
            measurement.Finish(clock.NowMilliseconds);
            return measurement.ToRecord(template, RequestOutcome.TransportError, ErrorText.Truncate(ex.Message));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // The response had started: the stream broke mid-way, and the partial timings are still worth keeping.
            measurement.Finish(clock.NowMilliseconds);
            return measurement.ToRecord(template, RequestOutcome.StreamError, ErrorText.Truncate(ex.Message));
        }
    }

    private static async Task ReadStreamAsync(HttpContent content, StreamMeasurement measurement, RunClock clock,
        CancellationToken cancellation)
    {
        var parser = new SseEventParser();
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
        try
        {
            var stream = await content.ReadAsStreamAsync(cancellation).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                while (!measurement.SawDone)
                {
                    var read = await stream.ReadAsync(buffer.AsMemory(), cancellation).ConfigureAwait(false);
                    // Every event in this read arrived together; stamping them with the read's completion time is
                    // the finest resolution the socket offers.
                    measurement.ReadAtMilliseconds = clock.NowMilliseconds;
                    if (read == 0)
                    {
                        parser.Complete(measurement);
                        break;
                    }

                    parser.Feed(buffer.AsSpan(0, read), measurement);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<string> ReadBoundedAsync(HttpContent content, CancellationToken cancellation)
    {
        var text = await content.ReadAsStringAsync(cancellation).ConfigureAwait(false);
        return text.Length <= MaxErrorBodyChars ? text : text[..MaxErrorBodyChars];
    }

    public void Dispose()
    {
        _http.Dispose();
    }

    /// <summary>Mutable per-request accumulator, turned into an immutable record once the request ends.</summary>
    private sealed class StreamMeasurement(double sentMilliseconds, int maxTokens) : ISseEventSink
    {
        private readonly List<double> _gaps = new(Math.Clamp(maxTokens - 1, 0, 4096));
        private double? _firstTokenAt;
        private double _lastTokenAt;
        private double _endedAt;
        private int _contentChunks;
        private int? _usageTokens;

        public double SentMilliseconds { get; } = sentMilliseconds;

        public int? StatusCode { get; set; }

        public bool HasRetryAfter { get; set; }

        public bool SawDone { get; private set; }

        public string? StreamError { get; private set; }

        public double ReadAtMilliseconds { get; set; }

        public void OnEvent(ReadOnlySpan<byte> data)
        {
            Observe(StreamChunk.Parse(data), ReadAtMilliseconds);
        }

        private void Observe(StreamChunk chunk, double now)
        {
            if (chunk.IsDone)
            {
                SawDone = true;
                return;
            }

            if (chunk.Error is { } error)
            {
                StreamError ??= error;
                return;
            }

            if (chunk.UsageCompletionTokens is { } usage)
            {
                _usageTokens = usage;
            }

            if (!chunk.HasContent)
            {
                return;
            }

            if (_firstTokenAt is null)
            {
                _firstTokenAt = now;
            }
            else
            {
                _gaps.Add(now - _lastTokenAt);
            }

            _lastTokenAt = now;
            _contentChunks++;
        }

        public void Finish(double now)
        {
            _endedAt = now;
        }

        public RequestRecord ToRecord(RequestRecord template, RequestOutcome outcome, string? error)
        {
            Debug.Assert(_endedAt >= SentMilliseconds, "Finish must run before ToRecord.");
            // A server that reports usage knows its token count better than chunk counting, which undercounts
            // when one chunk carries several tokens.
            var tokens = _usageTokens ?? _contentChunks;
            var e2e = _endedAt - SentMilliseconds;
            double? ttft = _firstTokenAt is { } first ? first - SentMilliseconds : null;
            double? tpot = ttft is { } t && tokens > 1 ? (e2e - t) / (tokens - 1) : null;
            return template with
            {
                Outcome = outcome,
                StatusCode = StatusCode,
                HasRetryAfter = HasRetryAfter,
                TtftMilliseconds = ttft,
                InterTokenGapsMilliseconds = _gaps,
                TpotMilliseconds = tpot,
                EndToEndMilliseconds = e2e,
                TokensReceived = tokens,
                Error = error,
            };
        }
    }
}
