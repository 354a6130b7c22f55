namespace Gateway.Models;

/// <summary>Where the gateway looks for its model (configuration section <c>Model</c>).</summary>
public sealed class ModelSourceOptions
{
    public const string SectionName = "Model";

    /// <summary>An explicit GGUF path; wins over everything but <c>--model</c>.</summary>
    public string? Path { get; set; }

    /// <summary>
    /// Directories searched when no path is given, in order. Relative entries are resolved from the working directory and
    /// from every folder above the executable.
    /// </summary>
    public List<string> SearchDirectories { get; set; } = ["models"];

    /// <summary>File name preferred in the search directories; the gateway ships this model beside itself (<c>models/</c>).</summary>
    public string DefaultFileName { get; set; } = "stories260K.gguf";

    /// <summary>Served model id; defaults to the model file's (or folder's) name.</summary>
    public string? Name { get; set; }

    /// <summary>Worker threads for the kernels; 0 uses every core.</summary>
    public int Threads { get; set; }

    /// <summary>Caps the context below the model's trained length (saves RoPE tables and KV); 0 keeps the model's.</summary>
    public int ContextLength { get; set; }
}
