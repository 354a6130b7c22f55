using Gateway.Gguf;
using Gateway.Inference;

namespace Gateway.Tokenizers.Tests;

public sealed class TokenizerFactoryTests
{
    [Fact]
    public void An_unknown_tokenizer_model_is_a_load_error_naming_the_file()
    {
        using var temp = new TempFile();
        new GgufWriter()
            .Set("tokenizer.ggml.model", "bert")
            .Set("tokenizer.ggml.tokens", ["[CLS]", "a"])
            .Save(temp.Path);
        using var file = GgufFile.Open(temp.Path);

        var ex = Assert.Throws<ModelLoadException>(() => TokenizerFactory.FromGguf(file));

        Assert.Equal(temp.Path, ex.FilePath);
        Assert.Contains("'bert'", ex.Message);
    }

    [Fact]
    public void An_unknown_pre_tokenizer_is_a_load_error_naming_the_file()
    {
        using var temp = new TempFile();
        var writer = new GgufWriter();
        TinyVocabularies.ByteLevel().WriteTo(writer);
        writer.Set("tokenizer.ggml.pre", "no-such-pre").Save(temp.Path);
        using var file = GgufFile.Open(temp.Path);

        var ex = Assert.Throws<ModelLoadException>(() => TokenizerFactory.FromGguf(file));

        Assert.Equal(temp.Path, ex.FilePath);
        Assert.Contains("'no-such-pre'", ex.Message);
    }

    [Theory]
    [InlineData("default")]
    [InlineData("gpt2")]
    [InlineData("llama3")]
    [InlineData("llama-bpe")]
    [InlineData("qwen2")]
    [InlineData("smollm")]
    [InlineData("deepseek-llm")]
    [InlineData("deepseek-coder")]
    [InlineData("falcon")]
    [InlineData("bloom")]
    public void Every_known_pre_tokenizer_builds_and_round_trips(string pre)
    {
        var metadata = TinyVocabularies.ByteLevel();
        var tokenizer = TinyVocabularies.Build(new GgufTokenizerMetadata
        {
            Model = metadata.Model, Pre = pre, Tokens = metadata.Tokens, TokenTypes = metadata.TokenTypes, Merges = metadata.Merges,
            AddBos = false,
        });
        const string text = "It's 2026: ab, c'est la vie!  \n 中文 123456";

        var ids = tokenizer.Encode(text, addBos: false, parseSpecial: false);

        Assert.Equal(text, tokenizer.Decode(ids));
        Assert.True(tokenizer.TryGetId("ab", out var ab));
        Assert.Contains(ab, ids);
    }

    [Fact]
    public void Adding_bos_without_a_bos_token_is_a_load_error()
    {
        var metadata = TinyVocabularies.ByteLevel();

        var ex = Assert.Throws<ModelLoadException>(() => TinyVocabularies.Build(new GgufTokenizerMetadata
        {
            Model = "gpt2", Pre = "llama3", Tokens = metadata.Tokens, TokenTypes = metadata.TokenTypes,
        }));

        Assert.Contains("BOS", ex.Message);
    }

    [Fact]
    public void Llama3_style_vocabularies_add_bos_unless_the_file_says_otherwise()
    {
        var metadata = TinyVocabularies.ByteLevel(("<|begin_of_text|>", TokenType.Control));
        var llama3 = TinyVocabularies.Build(new GgufTokenizerMetadata
        {
            Model = "gpt2", Pre = "llama-bpe", Tokens = metadata.Tokens, TokenTypes = metadata.TokenTypes,
            Merges = metadata.Merges, BosId = 257,
        });

        Assert.True(llama3.AddBos);
        Assert.Equal([257, 256], llama3.Encode("ab", addBos: llama3.AddBos, parseSpecial: true));
    }
}
