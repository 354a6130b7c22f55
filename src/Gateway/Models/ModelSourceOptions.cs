namespace Gateway.Models;

/// <summary>Where the gateway looks for its model (configuration section <c>Model</c>).</summary>
public sealed class ModelSourceOptions
{
    public const string SectionName = "Model";

    /// <summary>An explicit GGUF path; wins over everything but <c>--model</c>.</summary>
    public string? Path { get; set; }

    /// <summary>Directories searched when no path is given, in order. Relative entries are resolved from the working directory.</summary>
    public List<string> SearchDirectories { get; set; } = ["models", "../shared/models"];

    /// <summary>File name looked for in the search directories and the cache, and downloaded when absent.</summary>
    public string DefaultFileName { get; set; } = "stories260K.gguf";

    /// <summary>Where the default model is downloaded from when nothing is found locally.</summary>
    public string DefaultUrl { get; set; } = "https://huggingface.co/ggml-org/tiny-llamas/resolve/main/stories260K.gguf";

    /// <summary>SHA-256 the download must have; a mismatch deletes the file and fails.</summary>
    public string DefaultSha256 { get; set; } = "3c4a7c3a8313e00ae6a6b64df717828f4ba18391ea31ffb01abe9a2c4f7bb9a9";

    /// <summary>Download cache; default <c>$XDG_CACHE_HOME/llm-gateway/models</c> or <c>~/.cache/llm-gateway/models</c>.</summary>
    public string? CacheDirectory { get; set; }

    public string ResolveCacheDirectory()
    {
        if (!string.IsNullOrEmpty(CacheDirectory))
        {
            return CacheDirectory;
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = !string.IsNullOrEmpty(xdg) ? xdg : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return System.IO.Path.Combine(root, "llm-gateway", "models");
    }

    /// <summary>Served model id; defaults to the model file's (or folder's) name.</summary>
    public string? Name { get; set; }

    /// <summary>Worker threads for the kernels; 0 uses every core.</summary>
    public int Threads { get; set; }

    /// <summary>Caps the context below the model's trained length (saves RoPE tables and KV); 0 keeps the model's.</summary>
    public int ContextLength { get; set; }
}
