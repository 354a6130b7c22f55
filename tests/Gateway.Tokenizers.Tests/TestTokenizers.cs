using Gateway.Gguf;
using Gateway.Inference;

namespace Gateway.Tokenizers.Tests;

/// <summary>The shared vocabularies, each loaded once per test run (loading SmolLM2's merges takes a moment).</summary>
internal static class TestTokenizers
{
    private static readonly Lazy<ITokenizer> Llama2Lazy = new(() => Load("llama2-vocab.gguf"));
    private static readonly Lazy<ITokenizer> SmolLm2Lazy = new(() => Load("smollm2-135m-vocab.gguf"));
    private static readonly Lazy<ITokenizer> StoriesLazy = new(() => Load("stories260K.gguf"));

    public static ITokenizer Llama2 => Llama2Lazy.Value;

    public static ITokenizer SmolLm2 => SmolLm2Lazy.Value;

    public static ITokenizer Stories => StoriesLazy.Value;

    public static ITokenizer Load(string fileName)
    {
        using var file = GgufFile.Open(SharedModels.Path(fileName));
        return TokenizerFactory.FromGguf(file);
    }
}
