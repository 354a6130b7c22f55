using System.CommandLine;
using Gateway.Cli;
using Gateway.Hosting;

// Verbs for engine work (generate, quantize, synth, bench, hash-key); anything else starts the HTTP gateway, so that
// `gateway --model m.gguf --urls http://127.0.0.1:8080` and every ASP.NET Core switch keep working as users expect.
var verbs = new[] { "generate", "quantize", "synth", "bench", "bench-serving", "hash-key", "export-onnx", "--help", "-h", "-?", "--version" };
if (args.Length > 0 && verbs.Contains(args[0]))
{
    var root = new RootCommand("LLM serving gateway: an OpenAI-compatible API over a CPU inference engine for GGUF models.")
    {
        GenerateCommand.Create(),
        QuantizeCommand.Create(),
        SynthesizeCommand.Create(),
        BenchCommand.Create(),
        BenchServingCommand.Create(),
        HashKeyCommand.Create(),
        ExportOnnxCommand.Create(),
    };
    return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
}

var serveArgs = args.Length > 0 && args[0] == "serve" ? args[1..] : args;
return await GatewayHost.RunAsync(serveArgs).ConfigureAwait(false);
