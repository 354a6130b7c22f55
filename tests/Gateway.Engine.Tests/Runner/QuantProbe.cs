using Gateway.Engine.Gguf;
using Gateway.Engine.Quantization;
using Gateway.Engine.Runner;
using Gateway.Kernels;

namespace Gateway.Engine.Tests.Runner;

public class QuantProbe
{
    [Theory]
    [InlineData(GgmlType.Q8_0)]
    [InlineData(GgmlType.Q4_0)]
    public void Probe(GgmlType type)
    {
        var src = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/models/stories260K.gguf"));
        var dst = Path.Combine(Path.GetTempPath(), $"s260-{type}.gguf");
        var report = ModelQuantizer.Quantize(src, dst, type);
        var file = GgufFile.Open(dst);
        using var runner = new LlamaModelRunner(file, new DecodeOnlyTokenizer(file), new ModelRunnerOptions { KvCacheBlocks = 64 });
        var table = Enumerable.Range(0, 64).ToArray();
        var logits = new float[runner.Info.VocabSize];
        var tokens = new List<int> { 1 };
        for (var i = 0; i < 60; i++)
        {
            runner.Forward([new SequenceChunk(new[] { tokens[^1] }, tokens.Count - 1, table, true)], logits);
            tokens.Add(System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits));
        }
        var text = runner.Tokenizer.Decode(tokens.Skip(1).ToArray());
        Assert.Fail($"{report} :: {text}");
    }
}
