namespace Gateway.Benchmarking;

/// <summary>Min / median / max of repeated measurements: the spread is the machine noise a reader needs to see.</summary>
internal readonly record struct Statistics(double Min, double Median, double Max)
{
    public static Statistics Of(IReadOnlyList<double> samples)
    {
        var sorted = samples.Order().ToArray();
        var mid = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return new Statistics(sorted[0], median, sorted[^1]);
    }

    public override string ToString() => $"{Median,9:F1}  ({Min:F1} .. {Max:F1})";

    /// <summary>Median (min .. max) in <paramref name="format"/>, unpadded.</summary>
    public string Format(string format)
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        return $"{Median.ToString(format, invariant)} ({Min.ToString(format, invariant)} .. {Max.ToString(format, invariant)})";
    }
}
