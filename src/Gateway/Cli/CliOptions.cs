using System.CommandLine;
using Gateway.Inference;

namespace Gateway.Cli;

/// <summary>Options several verbs share, declared once so their names and help text agree everywhere.</summary>
internal static class CliOptions
{
    public static Option<string?> Model() => new("--model", "-m")
    {
        Description = "Path to a GGUF model. Default: Model:Path / GATEWAY_MODEL, then the models directory, then the default download.",
    };

    public static Option<int> Threads() => new("--threads", "-t")
    {
        Description = "Kernel threads (default: all cores).",
    };

    public static Option<KvCacheType> KvType() => new("--kv-type")
    {
        Description = "KV cache element type: F16 (default) or F32.",
        DefaultValueFactory = _ => KvCacheType.F16,
    };
}
