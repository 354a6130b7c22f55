using System.CommandLine;
using Gateway.Engine.Gguf.Synthetic;
using Gateway.Kernels;

namespace Gateway.Cli;

/// <summary><c>gateway synth --shape smollm2-135m --type Q4_0 OUT</c>: write a seeded random-weight model in a real shape.</summary>
internal static class SynthesizeCommand
{
    public static Command Create()
    {
        var output = new Argument<string>("output") { Description = "Destination GGUF." };
        var shape = new Option<string>("--shape") { Description = $"Model shape: {string.Join(", ", SyntheticModelSpec.Known.Keys)}.", DefaultValueFactory = _ => "smollm2-135m" };
        var type = new Option<string>("--type") { Description = "Weight type: Q4_0, Q8_0, Q4_1, Q4_K, Q6_K, F16, F32.", DefaultValueFactory = _ => "Q4_0" };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "tokenizer.json or vocab GGUF (default: the shape's file in ../shared/models)." };
        var seed = new Option<ulong>("--seed") { Description = "Weight seed.", DefaultValueFactory = _ => 42UL };
        var command = new Command("synth", "Write a synthetic model (random weights, real shape and tokenizer) for benchmarks.") { output, shape, type, tokenizer, seed };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var shapeName = parse.GetValue(shape)!;
            if (!SyntheticModelSpec.Known.TryGetValue(shapeName, out var spec))
            {
                throw new ArgumentException($"unknown --shape '{shapeName}'; known: {string.Join(", ", SyntheticModelSpec.Known.Keys)}");
            }

            if (!Enum.TryParse<GgmlType>(parse.GetValue(type), ignoreCase: true, out var weightType))
            {
                throw new ArgumentException($"unknown --type '{parse.GetValue(type)}'");
            }

            var tokenizerPath = parse.GetValue(tokenizer) ?? Path.Combine("..", "shared", "models", spec.TokenizerFile);
            if (!File.Exists(tokenizerPath))
            {
                throw new ArgumentException($"tokenizer file {tokenizerPath} not found; pass --tokenizer PATH");
            }

            SyntheticModelWriter.Write(spec, tokenizerPath, weightType, parse.GetValue(output)!, parse.GetValue(seed), new ConsoleProgress($"writing {spec.Name} {weightType}"));
            Console.Error.WriteLine();
            Console.WriteLine($"wrote {parse.GetValue(output)} ({new FileInfo(parse.GetValue(output)!).Length / 1048576.0:F1} MiB)");
            return 0;
        }));
        return command;
    }
}
