namespace Gateway.Observability.Tests.Metrics;

/// <summary>Finds promtool on PATH the way a shell would.</summary>
internal static class Promtool
{
    public static string? Path { get; } = Locate();

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    private static string? Locate()
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(System.IO.Path.PathSeparator);
        return directories
            .Where(d => d.Length > 0)
            .Select(d => System.IO.Path.Combine(d, "promtool"))
            .FirstOrDefault(File.Exists);
    }
}
