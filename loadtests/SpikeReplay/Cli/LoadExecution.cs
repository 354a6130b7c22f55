using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using SpikeReplay.Assertions;
using SpikeReplay.Autoscaling;
using SpikeReplay.Client;
using SpikeReplay.Reporting;
using SpikeReplay.Running;
using SpikeReplay.Scenarios;

namespace SpikeReplay.Cli;

/// <summary>Runs a plan with live progress, writes the reports and turns --assert results into an exit code.</summary>
internal static class LoadExecution
{
    public static async Task<int> ExecuteAsync(LoadPlan plan, CommonOptions options, StreamingCompletionClient client,
        RunSettings settings, RunDescription description, TextWriter output, CancellationToken cancellation)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{description.Scenario}: {plan.Requests.Count} arrivals over {plan.DurationMilliseconds / 1000.0:F0} s " +
            $"against {options.BaseUrl} (model {description.Model}, in-flight cap {settings.MaxInFlight})"));
        var counters = new LiveCounters();
        using var stopProgress = new CancellationTokenSource();
        var progress = options.Quiet
            ? Task.CompletedTask
            : new ProgressPrinter(counters, output).RunAsync(stopProgress.Token);
        // The gateway's own view, scraped every second alongside the run, for hpa-replay and the report.
        using var scrapeHttp = new HttpClient();
        if (options.ApiKey is { } key)
        {
            scrapeHttp.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        using var stopScrape = new CancellationTokenSource();
        var scrape = new MetricsScraper(scrapeHttp, new Uri(options.BaseUrl, "/metrics")).RunAsync(Stopwatch.StartNew(), stopScrape.Token);
        RunResult result;
        try
        {
            result = await new OpenLoopRunner(client, settings, counters).RunAsync(plan, cancellation).ConfigureAwait(false);
        }
        finally
        {
            await stopProgress.CancelAsync().ConfigureAwait(false);
            await progress.ConfigureAwait(false);
            await stopScrape.CancelAsync().ConfigureAwait(false);
        }

        var summary = ReportSet.Write(options.OutputFolder, result, description, await scrape.ConfigureAwait(false));
        output.WriteLine();
        output.WriteLine(MarkdownReportWriter.Render(summary));
        output.WriteLine($"Reports in {Path.GetFullPath(options.OutputFolder)}");
        return Check(options.Assertions, summary, output);
    }

    public static int Check(IReadOnlyList<SloAssertion> assertions, RunSummary summary, TextWriter output)
    {
        var failed = 0;
        foreach (var assertion in assertions)
        {
            var result = assertion.Evaluate(summary);
            output.WriteLine($"assert {(result.Passed ? "PASS" : "FAIL")}: {result.Expression} ({result.Detail})");
            if (!result.Passed)
            {
                failed++;
            }
        }

        return failed == 0 ? ExitCodes.Success : ExitCodes.AssertionsFailed;
    }
}
