using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Gateway.Observability.Metrics;

namespace Gateway.Tests.Hosting;

/// <summary>
/// The families a real gateway exposes on /metrics are the ones of <see cref="GatewayMetricNames.Families"/> (the list
/// the dashboards, the alert and recording rules and the autoscaler queries are checked against), with the same
/// Prometheus types and label names, and the scrape passes <c>promtool check metrics</c>.
/// </summary>
public sealed class MetricsContractTests
{
    /// <summary>Families that need preemption or a refused submit, which this short run does not provoke.</summary>
    private static readonly HashSet<string> NotProvokedHere =
        [GatewayMetricNames.NumPreemptions, GatewayMetricNames.QueueRejections];

    [Fact]
    public async Task A_real_scrape_exposes_the_contract_families_with_their_types_and_labels()
    {
        // Two requests a minute for the anonymous tenant: the third request is refused, so gateway_rate_limited_total appears.
        using var server = await GatewayServerProcess.StartAsync("--FrontDoor:DefaultTenant:RequestsPerMinute=2");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await http.PostAsJsonAsync("/v1/completions", new { model = "stories260K", prompt = "Once upon a time", max_tokens = 8 });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        var scrape = await http.GetStringAsync("/metrics");
        var exposed = ScrapedFamilies.Parse(scrape);

        foreach (var family in GatewayMetricNames.Families.Where(f => !NotProvokedHere.Contains(f.Name)))
        {
            Assert.True(exposed.TryGetValue(family.Name, out var seen), $"{family.Name} is not exposed:\n{scrape}");
            Assert.Equal(family.Type, seen.Type);
            if (seen.LabelNames.Count > 0 || family.Name != GatewayMetricNames.MetricsSeriesDropped)
            {
                Assert.Equal(family.Labels, seen.LabelNames);
            }
        }

        var unknown = exposed.Keys.Where(n => n.StartsWith("gateway_", StringComparison.Ordinal))
            .Except(GatewayMetricNames.Families.Select(f => f.Name)).ToList();
        Assert.True(unknown.Count == 0, $"exposed but not in GatewayMetricNames.Families: {string.Join(", ", unknown)}");
        await AssertPromtoolAcceptsAsync(scrape);
    }

    private static async Task AssertPromtoolAcceptsAsync(string scrape)
    {
        var promtool = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Where(d => d.Length > 0).Select(d => Path.Combine(d, "promtool")).FirstOrDefault(File.Exists);
        if (promtool is null)
        {
            // CI installs prometheus; a developer machine without it still gets the family checks above.
            Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase),
                "promtool is required when CI=true (apt-get install -y prometheus)");
            return;
        }

        var start = new ProcessStartInfo(promtool, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(scrape);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"promtool check metrics exited {process.ExitCode}:\n{await stdout}{await stderr}");
    }
}
