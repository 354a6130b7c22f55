namespace SpikeReplay.Tests;

/// <summary>Locates repository files (the shipped scenarios) from the test's output folder.</summary>
internal static class TestFiles
{
    public static string ScenarioPath(string fileName)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "loadtests", "scenarios", fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"loadtests/scenarios/{fileName} not found above {AppContext.BaseDirectory}");
    }

    public static string NewTempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "spike-replay-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
