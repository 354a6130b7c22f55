using Gateway.Gguf;
using Gateway.Inference;

namespace Gateway.Tokenizers.Tests;

public sealed class HuggingFaceTokenizerJsonTests
{
    private static readonly Lazy<GgufTokenizerMetadata> SmolLm2Converted =
        new(() => HuggingFaceTokenizerJson.Convert(SharedModels.Path("smollm2-135m-instruct.tokenizer.json"), "smollm"));

    private static readonly Lazy<ITokenizer> SmolLm2FromConversion = new(() => TinyVocabularies.Build(SmolLm2Converted.Value));

    public static TheoryData<int> Cases => TokenizerGolden.CaseIndexes();

    [Fact]
    public void Conversion_yields_the_tokens_types_and_merges_of_the_reference_gguf()
    {
        var converted = SmolLm2Converted.Value;
        using var reference = GgufFile.Open(SharedModels.Path("smollm2-135m-vocab.gguf"));
        var metadata = reference.Metadata;

        Assert.Equal("gpt2", converted.Model);
        Assert.Equal("smollm", converted.Pre);
        Assert.Equal(metadata.GetArray<string>("tokenizer.ggml.tokens"), converted.Tokens);
        Assert.Equal(metadata.GetArray<int>("tokenizer.ggml.token_type"), converted.TokenTypes);
        Assert.Equal(metadata.GetArray<string>("tokenizer.ggml.merges"), converted.Merges);
        Assert.Equal(metadata.GetInt32("tokenizer.ggml.bos_token_id"), converted.BosId);
        Assert.Equal(metadata.GetInt32("tokenizer.ggml.eos_token_id"), converted.EosId);
        Assert.Equal(metadata.GetInt32("tokenizer.ggml.unknown_token_id"), converted.UnknownId);
        Assert.Equal(metadata.GetInt32("tokenizer.ggml.padding_token_id"), converted.PaddingId);
        Assert.False(converted.AddBos);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Tokenizer_built_from_the_conversion_reproduces_the_golden_ids(int index)
    {
        var golden = TokenizerGolden.Cases[index];
        GoldenIdsTests.AssertIds(golden.SmolLm2Ids, SmolLm2FromConversion.Value, golden.Text);
    }

    [Fact]
    public void WriteTo_sets_the_keys_the_factory_reads()
    {
        using var temp = new TempFile();
        var writer = new GgufWriter();
        SmolLm2Converted.Value.WriteTo(writer);
        writer.Save(temp.Path);
        using var file = GgufFile.Open(temp.Path);

        Assert.Equal("smollm", file.Metadata.GetString("tokenizer.ggml.pre"));
        Assert.Equal(GgufValueType.UInt32, file.Metadata["tokenizer.ggml.eos_token_id"].Type);
        Assert.Equal(GgufValueType.Int32, file.Metadata["tokenizer.ggml.token_type"].ElementType);
        Assert.False(file.Metadata.GetBoolOrDefault("tokenizer.ggml.add_bos_token", true));
    }

    [Fact]
    public void Merges_written_as_pairs_and_unflagged_chatml_tokens_are_understood()
    {
        using var temp = new TempFile();
        File.WriteAllText(temp.Path, """
            {
              "added_tokens": [ { "id": 3, "content": "<|im_end|>", "special": false } ],
              "pre_tokenizer": { "type": "ByteLevel", "add_prefix_space": false },
              "model": { "type": "BPE", "vocab": { "a": 0, "b": 1, "ab": 2, "c": 5 }, "merges": [ [ "a", "b" ] ] }
            }
            """);

        var converted = HuggingFaceTokenizerJson.Convert(temp.Path, "gpt-2");

        Assert.Equal(["a", "b", "ab", "<|im_end|>", "[PAD4]", "c"], converted.Tokens);
        Assert.Equal([1, 1, 1, 3, 5, 1], converted.TokenTypes);
        Assert.Equal(["a b"], converted.Merges);
        Assert.Equal(3, converted.EosId);
        Assert.Equal(3, converted.PaddingId);
        Assert.Equal(-1, converted.BosId);
    }

    [Fact]
    public void A_non_bpe_tokenizer_is_rejected_naming_the_file()
    {
        using var temp = new TempFile();
        File.WriteAllText(temp.Path, """{ "model": { "type": "WordPiece", "vocab": { "a": 0 } } }""");

        var ex = Assert.Throws<ModelLoadException>(() => HuggingFaceTokenizerJson.Convert(temp.Path, "gpt-2"));

        Assert.Equal(temp.Path, ex.FilePath);
        Assert.Contains("WordPiece", ex.Message);
    }
}
