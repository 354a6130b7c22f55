using Gateway.Engine.Onnx.Export;
using Gateway.Engine.Onnx.Runtime;
using Gateway.Inference;

namespace Gateway.Engine.Onnx.Tests;

/// <summary>The real TinyStories 260K model, exported to ONNX and run by ONNX Runtime, must say what it says from GGUF.</summary>
public sealed class StoriesExportTests
{
    public const string Golden =
        " Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high";

    internal static IModelRunner Load(ExportPrecision precision, int blocks = 64) =>
        OnnxModelRunnerFactory.Load(ExportedModels.Stories(precision), new OnnxModelLoadOptions { KvCacheBlocks = blocks }, new OnnxRunnerOptions());

    [Fact]
    public void Fp32_export_greedy_from_bos_gives_the_documented_text()
    {
        using var runner = Load(ExportPrecision.Fp32);
        Assert.Equal(Golden, Greedy.Text(runner, Greedy.Generate(runner, [runner.Tokenizer.BosId], 60)));
    }

    [Fact]
    public void Int4_export_keeps_the_first_sentence()
    {
        using var runner = Load(ExportPrecision.Int4);
        var text = Greedy.Text(runner, Greedy.Generate(runner, [runner.Tokenizer.BosId], 60));
        var firstSentence = Golden[..(Golden.IndexOf('.', StringComparison.Ordinal) + 1)];
        Assert.StartsWith(firstSentence, text, StringComparison.Ordinal);
    }
}
