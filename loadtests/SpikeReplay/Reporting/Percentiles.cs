namespace SpikeReplay.Reporting;

/// <summary>
/// Percentiles by linear interpolation between closest ranks (the "type 7" definition used by numpy and Excel), so
/// numbers here match what someone recomputes from records.jsonl.
/// </summary>
internal static class Percentiles
{
    /// <summary>Null for no samples. Sorts <paramref name="values"/> in place.</summary>
    public static double? Of(double[] values, double percentile)
    {
        if (values.Length == 0)
        {
            return null;
        }

        Array.Sort(values);
        return OfSorted(values, percentile);
    }

    public static double? OfSorted(IReadOnlyList<double> sorted, double percentile)
    {
        if (sorted.Count == 0)
        {
            return null;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        var rank = percentile / 100.0 * (sorted.Count - 1);
        var lower = (int)Math.Floor(rank);
        var upper = Math.Min(lower + 1, sorted.Count - 1);
        var fraction = rank - lower;
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction;
    }
}
