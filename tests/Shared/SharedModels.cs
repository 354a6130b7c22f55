namespace Gateway.Testing;

/// <summary>
/// Finds the shared model files (<c>shared/models</c> beside the checkout) by walking up from the test assembly, so the
/// tests run from any build output folder without copying multi-megabyte files into the repository.
/// </summary>
internal static class SharedModels
{
    private static readonly Lazy<string> Directory = new(Locate);

    public static string Path(string fileName)
    {
        var path = System.IO.Path.Combine(Directory.Value, fileName);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"shared model file '{fileName}' is missing from {Directory.Value}", path);
    }

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "models");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            $"no 'shared/models' directory above {AppContext.BaseDirectory}: the model files for tests live in " +
            "../shared/models beside the repository checkout");
    }
}
