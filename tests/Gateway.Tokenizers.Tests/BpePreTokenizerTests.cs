namespace Gateway.Tokenizers.Tests;

public sealed class BpePreTokenizerTests
{
    [Theory]
    [InlineData("gpt2", "Hello world  it's 42!", new[] { "Hello", " world", " ", " it", "'s", " 42", "!" })]
    [InlineData("smollm", "a 123", new[] { "a", " ", "1", "2", "3" })]
    [InlineData("llama3", "x 12345\n\n  y", new[] { "x", " ", "123", "45", "\n\n", " ", " y" })]
    [InlineData("qwen2", "I'M 12", new[] { "I", "'M", " ", "1", "2" })]
    public void Splits_as_the_named_expressions_do(string pre, string text, string[] expected) =>
        Assert.Equal(expected, Split(pre, text));

    [Theory]
    [InlineData("smollm", "𝟘𝟙", new[] { "𝟘", "𝟙" })]
    [InlineData("smollm", " 𝒜𝓁!", new[] { " 𝒜𝓁", "!" })]
    [InlineData("gpt2", "ab😀😀 c", new[] { "ab", "😀😀", " c" })]
    [InlineData("llama3", "x𝒜𝓁 𝟘𝟙𝟚𝟛", new[] { "x𝒜𝓁", " ", "𝟘𝟙𝟚", "𝟛" })]
    public void Characters_beyond_the_basic_plane_keep_their_letter_and_digit_categories(
        string pre, string text, string[] expected) =>
        Assert.Equal(expected, Split(pre, text));

    private static string[] Split(string pre, string text)
    {
        var pieces = new List<(int Start, int Length)>();
        new BpePreTokenizer(BpePreTokenizerPatterns.Resolve(pre)!.Value.Kind).Split(text, pieces, [], new EncodeScratch());
        return [.. pieces.Select(p => text.Substring(p.Start, p.Length))];
    }
}
