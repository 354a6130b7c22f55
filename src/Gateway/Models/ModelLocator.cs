using Gateway.Gguf;
using Gateway.Inference;

namespace Gateway.Models;

/// <summary>
/// Decides which model file to serve: <c>--model</c>, then configuration (<c>Model:Path</c>, or <c>GATEWAY_MODEL</c>),
/// then the first model found in the search directories, and finally the default model that ships in the
/// <c>models/</c> folder beside the executable. A first run therefore serves with no network and no configuration.
/// </summary>
internal sealed class ModelLocator(ModelSourceOptions options, TextWriter log)
{
    /// <summary>The folder beside the executable that the build and the container image fill with the shipped models.</summary>
    public static string ShippedModelsDirectory => Path.Combine(AppContext.BaseDirectory, "models");

    public string Resolve(string? explicitPath)
    {
        var configured = explicitPath ?? options.Path ?? Environment.GetEnvironmentVariable("GATEWAY_MODEL");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            // An explicit choice is never second-guessed: a wrong path is an error, not a reason to serve something else.
            return Path.GetFullPath(configured);
        }

        var directories = SearchPaths(options.SearchDirectories).Append(ShippedModelsDirectory).Where(Directory.Exists).ToList();
        // The default model wherever it is first, then any servable GGUF: a stray model in a folder searched early
        // must not shadow the one the documentation promises.
        var found = directories.Select(d => Path.Combine(d, options.DefaultFileName)).FirstOrDefault(File.Exists)
            ?? directories.Select(FindServableModelIn).FirstOrDefault(m => m is not null);
        if (found is null)
        {
            throw new InvalidOperationException(
                $"no model configured and none found (searched {string.Join(", ", directories.DefaultIfEmpty("no existing directory"))}; " +
                $"the build ships {options.DefaultFileName} in {ShippedModelsDirectory}). Pass --model PATH (a GGUF file), or set Model__Path or GATEWAY_MODEL.");
        }

        found = Path.GetFullPath(found);
        log.WriteLine($"Using model {found}");
        return found;
    }

    /// <summary>
    /// Relative search directories are tried against the working directory and then against every folder above the
    /// executable, so `dotnet run` (whose working directory varies) and a published binary both find a checkout's models.
    /// </summary>
    private static IEnumerable<string> SearchPaths(IEnumerable<string> directories)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var directory in directories)
        {
            if (Path.IsPathRooted(directory))
            {
                if (seen.Add(directory))
                {
                    yield return directory;
                }

                continue;
            }

            var candidates = new List<string> { Path.GetFullPath(directory) };
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                candidates.Add(Path.GetFullPath(Path.Combine(dir.FullName, directory)));
            }

            foreach (var candidate in candidates.Where(seen.Add))
            {
                yield return candidate;
            }
        }
    }

    private static string? FindServableModelIn(string directory)
    {
        // Vocab-only GGUFs (tokenizer files) have no tensors and cannot be served; skip them.
        foreach (var candidate in Directory.EnumerateFiles(directory, "*.gguf").Order(StringComparer.Ordinal))
        {
            try
            {
                using var file = GgufFile.Open(candidate);
                if (file.Tensors.Count > 0)
                {
                    return Path.GetFullPath(candidate);
                }
            }
            catch (ModelLoadException)
            {
                // An unreadable file in a search directory is skipped; an explicitly configured one is reported.
            }
        }

        return null;
    }
}
