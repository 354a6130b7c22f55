using System.Globalization;
using SpikeReplay.Reporting;

namespace SpikeReplay.Assertions;

/// <summary>
/// One check from --assert. Either a flag (no_5xx, no_errors, retry_after_on_refusals, no_client_drops) or
/// "metric OP number" with OP in &lt; &lt;= &gt; &gt;= ==. Metrics: p50|p95|p99 _ ttft|itl|tpot|e2e _ms, goodput_ratio,
/// offered_goodput_ratio, goodput_rps, admitted_rps, refusal_ratio. A "@phase" suffix scopes the check to one phase
/// (default: the whole run).
/// </summary>
internal sealed class SloAssertion
{
    private static readonly string[] s_operators = ["<=", ">=", "==", "<", ">"];

    private SloAssertion(string expression, string subject, string? phase, string? op, double threshold)
    {
        Expression = expression;
        Subject = subject;
        Phase = phase;
        Operator = op;
        Threshold = threshold;
    }

    public string Expression { get; }

    public string Subject { get; }

    public string? Phase { get; }

    public string? Operator { get; }

    public double Threshold { get; }

    /// <summary>Parses a comma-separated list; throws FormatException naming the bad entry.</summary>
    public static IReadOnlyList<SloAssertion> ParseList(string text)
    {
        return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(Parse)
            .ToList();
    }

    public static SloAssertion Parse(string expression)
    {
        foreach (var op in s_operators)
        {
            var at = expression.IndexOf(op, StringComparison.Ordinal);
            if (at <= 0)
            {
                continue;
            }

            var (subject, phase) = SplitPhase(expression[..at].Trim());
            var number = expression[(at + op.Length)..].Trim();
            if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var threshold))
            {
                throw new FormatException($"--assert \"{expression}\": \"{number}\" is not a number.");
            }

            // Unknown names fail here, before a long run, not after it.
            if (!IsKnownMetric(subject))
            {
                throw new FormatException($"--assert \"{expression}\": unknown metric \"{subject}\".");
            }

            return new SloAssertion(expression, subject, phase, op, threshold);
        }

        var (flag, flagPhase) = SplitPhase(expression.Trim());
        if (flag is not ("no_5xx" or "no_errors" or "retry_after_on_refusals" or "no_client_drops"))
        {
            throw new FormatException($"--assert \"{expression}\": unknown check.");
        }

        return new SloAssertion(expression, flag, flagPhase, null, 0);
    }

    public AssertionResult Evaluate(RunSummary summary)
    {
        var window = Phase is null ? summary.Overall : summary.Phases.FirstOrDefault(p => p.Name == Phase);
        if (window is null)
        {
            return new AssertionResult(Expression, false, $"no phase named \"{Phase}\"");
        }

        switch (Subject)
        {
            case "no_5xx":
                return new AssertionResult(Expression, window.ServerErrors == 0, $"{window.ServerErrors} 5xx (503 counts as a refusal)");
            case "no_errors":
                var errors = window.ServerErrors + window.ClientSideErrors;
                return new AssertionResult(Expression, errors == 0, $"{window.ServerErrors} 5xx, {window.ClientSideErrors} transport/stream/timeout");
            case "no_client_drops":
                return new AssertionResult(Expression, window.ClientDropped == 0, $"{window.ClientDropped} dropped at the client cap");
            case "retry_after_on_refusals":
                var missing = window.Refusals - window.RefusalsWithRetryAfter;
                return new AssertionResult(Expression, missing == 0, $"{missing} of {window.Refusals} refusals lack Retry-After");
        }

        var value = MetricValue(window, Subject);
        if (value is not { } measured)
        {
            return new AssertionResult(Expression, false, "no samples to measure");
        }

        var passed = Operator switch
        {
            "<" => measured < Threshold,
            "<=" => measured <= Threshold,
            ">" => measured > Threshold,
            ">=" => measured >= Threshold,
            _ => measured == Threshold,
        };
        return new AssertionResult(Expression, passed, string.Create(CultureInfo.InvariantCulture, $"measured {measured:G6}"));
    }

    private static (string Subject, string? Phase) SplitPhase(string text)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? (text, null) : (text[..at].Trim(), text[(at + 1)..].Trim());
    }

    private static bool IsKnownMetric(string subject)
    {
        return subject is "goodput_ratio" or "offered_goodput_ratio" or "goodput_rps" or "admitted_rps" or "refusal_ratio" ||
            TryLatency(subject, out _, out _);
    }

    private static double? MetricValue(WindowSummary window, string subject)
    {
        switch (subject)
        {
            case "goodput_ratio":
                return window.GoodputRatio;
            case "offered_goodput_ratio":
                return window.OfferedGoodputRatio;
            case "goodput_rps":
                return window.GoodputRps;
            case "admitted_rps":
                return window.AdmittedRps;
            case "refusal_ratio":
                return window.RefusalRatio;
        }

        if (!TryLatency(subject, out var percentile, out var latency))
        {
            return null;
        }

        var stats = latency switch
        {
            "ttft" => window.Ttft,
            "itl" => window.InterTokenLatency,
            "tpot" => window.Tpot,
            _ => window.EndToEnd,
        };
        return stats.Get(percentile);
    }

    /// <summary>Recognises "p95_ttft_ms" and the like.</summary>
    private static bool TryLatency(string subject, out int percentile, out string latency)
    {
        percentile = 0;
        latency = "";
        var parts = subject.Split('_');
        if (parts.Length != 3 || parts[2] != "ms" || parts[1] is not ("ttft" or "itl" or "tpot" or "e2e"))
        {
            return false;
        }

        percentile = parts[0] switch { "p50" => 50, "p95" => 95, "p99" => 99, _ => 0 };
        latency = parts[1];
        return percentile != 0;
    }
}
