using System.Security.Cryptography;
using Gateway.Engine.Gguf.Synthetic;
using Gateway.Inference;
using Gateway.Kernels;

namespace Gateway.Engine.Gguf.Tests.Synthetic;

public sealed class SyntheticModelWriterTests : IDisposable
{
    // The SmolLM2 vocabulary and attention layout, shrunk in depth and width so the test writes a few MiB.
    private static readonly SyntheticModelSpec Tiny = SyntheticModelSpec.Known["smollm2-135m"] with
    {
        Name = "smollm2-tiny", EmbeddingLength = 96, BlockCount = 2, HeadCount = 3, KvHeadCount = 1, FeedForwardLength = 128, ContextLength = 256,
    };

    private readonly string _dir = Directory.CreateTempSubdirectory("synthetic").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(GgmlType.Q4_0)]
    [InlineData(GgmlType.Q8_0)]
    [InlineData(GgmlType.F32)]
    public void Writes_a_loadable_model_with_the_real_tokenizer_and_template(GgmlType type)
    {
        var path = Path.Combine(_dir, $"tiny-{type}.gguf");
        SyntheticModelWriter.Write(Tiny, SharedModels.Path(Tiny.TokenizerFile), type, path, seed: 5);
        using var runner = ModelRunnerFactory.Load(path, new ModelRunnerOptions { KvCacheMemoryMiB = 2 });

        Assert.Equal(49152, runner.Info.VocabSize);
        Assert.Contains(type.ToString(), runner.Info.WeightTypeSummary, StringComparison.Ordinal);
        Assert.Contains("<|im_start|>", runner.Info.ChatTemplate, StringComparison.Ordinal);
        Assert.True(runner.Tokenizer.TryGetId("<|im_end|>", out var imEnd));
        Assert.Contains(imEnd, runner.Tokenizer.EndOfGenerationIds);
        var prompt = runner.Tokenizer.Encode("<|im_start|>user\nHello<|im_end|>", addBos: false, parseSpecial: true);
        Assert.Equal("user\nHello", runner.Tokenizer.Decode(prompt)); // control tokens render as nothing
        var logits = new float[runner.Info.VocabSize];
        runner.Forward([new SequenceChunk(prompt, 0, new[] { 0 }, true)], logits);
        Assert.All(logits, l => Assert.True(float.IsFinite(l)));
        Assert.True(logits.Max() > logits.Min(), "random weights must still give a non-uniform distribution");
    }

    [Fact]
    public void Same_seed_writes_the_same_bytes()
    {
        var a = Path.Combine(_dir, "a.gguf");
        var b = Path.Combine(_dir, "b.gguf");
        var c = Path.Combine(_dir, "c.gguf");
        SyntheticModelWriter.Write(Tiny, SharedModels.Path(Tiny.TokenizerFile), GgmlType.Q4_0, a, seed: 9);
        SyntheticModelWriter.Write(Tiny, SharedModels.Path(Tiny.TokenizerFile), GgmlType.Q4_0, b, seed: 9);
        SyntheticModelWriter.Write(Tiny, SharedModels.Path(Tiny.TokenizerFile), GgmlType.Q4_0, c, seed: 10);
        Assert.Equal(Hash(a), Hash(b));
        Assert.NotEqual(Hash(a), Hash(c));
    }

    [Fact]
    public void Llama_shape_copies_the_llama2_vocabulary()
    {
        var spec = SyntheticModelSpec.Known["llama-134m"] with { EmbeddingLength = 64, BlockCount = 1, HeadCount = 2, KvHeadCount = 2, FeedForwardLength = 96 };
        var path = Path.Combine(_dir, "llama.gguf");
        SyntheticModelWriter.Write(spec, SharedModels.Path(spec.TokenizerFile), GgmlType.Q8_0, path);
        using var runner = ModelRunnerFactory.Load(path, new ModelRunnerOptions { KvCacheMemoryMiB = 1 });
        Assert.Equal(32000, runner.Info.VocabSize);
        Assert.Equal([1, 15043], runner.Tokenizer.Encode("Hello", addBos: true, parseSpecial: false));
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
