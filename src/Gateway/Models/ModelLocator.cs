using Gateway.Gguf;
using Gateway.Inference;

namespace Gateway.Models;

/// <summary>
/// Decides which model file to serve: <c>--model</c>, then configuration (<c>Model:Path</c>, or <c>GATEWAY_MODEL</c>),
/// then the first model found in the search directories or the download cache, and finally the default model,
/// downloaded with a checksum. The first run of a new user therefore just works, online; offline, it says what to do.
/// </summary>
internal sealed class ModelLocator(ModelSourceOptions options, TextWriter log)
{
    public async Task<string> ResolveAsync(string? explicitPath, CancellationToken cancellationToken)
    {
        var configured = explicitPath ?? options.Path ?? Environment.GetEnvironmentVariable("GATEWAY_MODEL");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            // An explicit choice is never second-guessed: a wrong path is an error, not a reason to download something else.
            return Path.GetFullPath(configured);
        }

        var cache = options.ResolveCacheDirectory();
        var directories = SearchPaths(options.SearchDirectories).Append(cache).Where(Directory.Exists).ToList();
        // The default model wherever it is first, then any servable GGUF: a stray model in a folder searched early
        // must not shadow the one the documentation promises.
        var found = directories.Select(d => Path.Combine(d, options.DefaultFileName)).FirstOrDefault(File.Exists)
            ?? directories.Select(FindServableModelIn).FirstOrDefault(m => m is not null);
        if (found is not null)
        {
            found = Path.GetFullPath(found);
            log.WriteLine($"Using model {found}");
            return found;
        }

        var destination = Path.Combine(cache, options.DefaultFileName);
        log.WriteLine($"No model configured or found; downloading the default model to {destination}");
        log.WriteLine($"  from {options.DefaultUrl}");
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(30) };
            await new ModelDownloader(http, log).DownloadAsync(new Uri(options.DefaultUrl), destination, options.DefaultSha256, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new InvalidOperationException(
                $"could not download the default model ({ex.Message}). Offline? Pass --model PATH (a GGUF file), set Model__Path " +
                $"or GATEWAY_MODEL, or copy {options.DefaultFileName} into {cache}.", ex);
        }

        return destination;
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
