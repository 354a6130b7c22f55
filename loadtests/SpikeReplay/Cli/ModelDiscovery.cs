using System.Net.Http.Headers;
using System.Text.Json;
using SpikeReplay.Client;

namespace SpikeReplay.Cli;

/// <summary>Asks the gateway which model it serves (GET /v1/models) when neither the CLI nor the scenario names one.</summary>
internal static class ModelDiscovery
{
    public static async Task<string> FirstModelAsync(Uri baseUrl, string? apiKey, CancellationToken cancellation)
    {
        using var http = StreamingCompletionClient.CreateHttpClient(maxConnections: 1);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, "v1/models"));
        if (apiKey is { Length: > 0 })
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        string body;
        try
        {
            using var response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new TargetUnusableException($"GET /v1/models answered {(int)response.StatusCode}; pass --model.");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            throw new TargetUnusableException($"GET {baseUrl}v1/models failed: {ex.Message}", ex);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object &&
                document.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array &&
                data.GetArrayLength() > 0 && data[0].ValueKind == JsonValueKind.Object &&
                data[0].TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String &&
                id.GetString() is { Length: > 0 } model)
            {
                return model;
            }
        }
        catch (JsonException ex)
        {
            throw new TargetUnusableException($"GET /v1/models did not return JSON: {ex.Message}", ex);
        }

        throw new TargetUnusableException("GET /v1/models listed no model; pass --model.");
    }
}
