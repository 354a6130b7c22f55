using System.CommandLine;
using Gateway.Engine.Gguf.Quantization;
using Gateway.Kernels;

namespace Gateway.Cli;

/// <summary><c>gateway quantize IN OUT --type Q4_0</c>: rewrite a GGUF's weight matrices in a quantized type.</summary>
internal static class QuantizeCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "Source GGUF (F32/F16/BF16 or already quantized)." };
        var output = new Argument<string>("output") { Description = "Destination GGUF." };
        var type = new Option<string>("--type") { Description = "Target: Q4_0, Q4_1, Q8_0, Q4_K, Q6_K, F16, BF16, F32.", DefaultValueFactory = _ => "Q4_0" };
        var command = new Command("quantize", "Quantize a GGUF model's weights.") { input, output, type };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var typeName = parse.GetValue(type)!;
            if (!Enum.TryParse<GgmlType>(typeName, ignoreCase: true, out var target) || !ModelQuantizer.SupportedTargets.Contains(target))
            {
                throw new ArgumentException($"unknown --type '{typeName}'; use one of {string.Join(", ", ModelQuantizer.SupportedTargets)}");
            }

            var report = ModelQuantizer.Quantize(parse.GetValue(input)!, parse.GetValue(output)!, target, new ConsoleProgress("quantizing"));
            Console.Error.WriteLine();
            Console.WriteLine($"{report.TensorsConverted} tensors -> {target}; {report.InputBytes / 1048576.0:F1} MiB -> {report.OutputBytes / 1048576.0:F1} MiB");
            foreach (var fallback in report.Fallbacks)
            {
                Console.WriteLine($"  kept/fell back: {fallback} (row length does not fit {target}'s block size)");
            }

            return 0;
        }));
        return command;
    }
}
