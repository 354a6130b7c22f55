namespace Gateway.Serving.Tests.TestDoubles;

/// <summary>Finds shared/models beside the checkout, walking up from the test binaries.</summary>
internal static class SharedModels
{
    public static string Path(string fileName)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "models", fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{fileName} not found in any shared/models above {AppContext.BaseDirectory}");
    }
}
