namespace Gateway.Observability.Tests.Metrics;

/// <summary>
/// Skips only on a developer machine without promtool; under CI (CI=true) the test runs and fails if it is missing,
/// so the check can never silently disappear from the pipeline.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class PromtoolFactAttribute : FactAttribute
{
    public PromtoolFactAttribute()
    {
        if (Promtool.Path is null && !Promtool.IsCi)
        {
            Skip = "promtool is not installed (apt-get install -y prometheus); with CI=true this is a failure";
        }
    }
}

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
