using System.CommandLine;
using System.Diagnostics;
using Gateway.Engine.Onnx.Export;

namespace Gateway.Cli;

/// <summary><c>gateway export-onnx IN.gguf OUTDIR [--precision int4|fp32]</c>: an ONNX Runtime GenAI model folder from a GGUF.</summary>
internal static class ExportOnnxCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "Source GGUF (Llama, Mistral, Qwen2; F32/F16/BF16/Q8_0/Q4_0/Q4_K/Q6_K)." };
        var output = new Argument<string>("output") { Description = "Destination folder (model.onnx, genai_config.json, tokenizer files)." };
        var precision = new Option<string>("--precision")
        {
            Description = "int4: MatMulNBits 4-bit blocks (Q4_0 repacked losslessly); fp32: float MatMul.",
            DefaultValueFactory = _ => "int4",
        };
        var command = new Command("export-onnx", "Export a GGUF model as an ONNX Runtime GenAI model folder.") { input, output, precision };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var name = parse.GetValue(precision)!;
            var target = name.ToLowerInvariant() switch
            {
                "int4" => ExportPrecision.Int4,
                "fp32" => ExportPrecision.Fp32,
                _ => throw new ArgumentException($"unknown --precision '{name}'; use int4 or fp32"),
            };
            var watch = Stopwatch.StartNew();
            var result = OnnxExporter.Export(parse.GetValue(input)!, parse.GetValue(output)!, target);
            Console.WriteLine(
                $"{result.Directory}: model.onnx {result.ModelBytes / 1048576.0:F1} MiB" +
                (result.ExternalDataBytes > 0 ? $" + model.onnx.data {result.ExternalDataBytes / 1048576.0:F1} MiB" : "") +
                $", {result.Nodes} nodes, {result.Initializers} initializers ({target}), {watch.Elapsed.TotalSeconds:F1} s");
            return 0;
        }));
        return command;
    }
}
