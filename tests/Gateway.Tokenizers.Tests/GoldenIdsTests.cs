using Gateway.Inference;

namespace Gateway.Tokenizers.Tests;

/// <summary>Our tokenizers must produce exactly the ids llama.cpp produces for the golden texts (no BOS, specials parsed).</summary>
public sealed class GoldenIdsTests
{
    public static TheoryData<int> Cases => TokenizerGolden.CaseIndexes();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Llama2_vocabulary_matches_llama_cpp(int index)
    {
        var golden = TokenizerGolden.Cases[index];
        AssertIds(golden.Llama2Ids, TestTokenizers.Llama2, golden.Text);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SmolLm2_vocabulary_matches_llama_cpp(int index)
    {
        var golden = TokenizerGolden.Cases[index];
        AssertIds(golden.SmolLm2Ids, TestTokenizers.SmolLm2, golden.Text);
    }

    internal static void AssertIds(int[] expected, ITokenizer tokenizer, string text)
    {
        var actual = tokenizer.Encode(text, addBos: false, parseSpecial: true);
        Assert.True(expected.SequenceEqual(actual),
            $"text {System.Text.Json.JsonSerializer.Serialize(text)}\n expected [{string.Join(", ", expected)}]\n actual   [{string.Join(", ", actual)}]\n" +
            $" actual pieces: {string.Join(" | ", actual.Select(tokenizer.TokenText))}");
    }
}
