using Gateway.Engine.Gguf;
using Gateway.Engine.Runner;

namespace Gateway.Engine.Tests.Runner;

public class StoriesGreedyProbe
{
    [Fact]
    public void Probe()
    {
        var path = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/models/stories260K.gguf"));
        var file = GgufFile.Open(path);
        using var runner = new LlamaModelRunner(file, new DecodeOnlyTokenizer(file), new ModelRunnerOptions { KvCacheBlocks = 64, KvCacheType = KvCacheType.F32 });
        var table = Enumerable.Range(0, 64).ToArray();
        var logits = new float[runner.Info.VocabSize];
        var tokens = new List<int> { 1 };
        for (var i = 0; i < 60; i++)
        {
            runner.Forward([new SequenceChunk(new[] { tokens[^1] }, tokens.Count - 1, table, true)], logits);
            tokens.Add(System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits));
        }
        var text = runner.Tokenizer.Decode(tokens.Skip(1).ToArray());
        Assert.Equal(" Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high", text);
    }
}
