using System.Text;
using Gateway.Tokenizers.Tests;

namespace Gateway.Inference.Tests;

public sealed class StreamingDetokenizerTests
{
    public static TheoryData<string> Vocabularies => new() { "llama2", "smollm2" };

    [Theory]
    [MemberData(nameof(Vocabularies))]
    public void Characters_split_across_tokens_are_emitted_whole(string vocabulary)
    {
        var tokenizer = vocabulary == "llama2" ? TestTokenizers.Llama2 : TestTokenizers.SmolLm2;
        const string text = "Emoji 😀🚀👍🏽, math 𝒜𝓁, CJK 中文测试 and Arabic مرحبا!";
        var ids = tokenizer.Encode(text, addBos: true, parseSpecial: false);

        // Precondition: at least one token ends inside a multi-byte character, or the test proves nothing.
        Assert.Contains(ids, id => StreamingDetokenizer.CompletePrefixLength(tokenizer.TokenBytes(id)) < tokenizer.TokenBytes(id).Length);

        var stream = tokenizer.CreateStreamingDetokenizer();
        var output = new StringBuilder();
        foreach (var id in ids)
        {
            var chunk = stream.Append(id);
            Assert.DoesNotContain('\uFFFD', chunk);
            Assert.True(IsWellFormed(chunk), $"chunk holds half a surrogate pair: {chunk}");
            output.Append(chunk);
        }

        output.Append(stream.Flush());
        var expected = Encoding.UTF8.GetString(ids.Where(id => !tokenizer.IsControl(id)).SelectMany(tokenizer.TokenBytes).ToArray());
        Assert.Equal(expected, output.ToString());
        Assert.EndsWith(text, output.ToString());
    }

    [Fact]
    public void Flush_returns_an_unfinished_character_as_a_replacement()
    {
        var tokenizer = TestTokenizers.Llama2;
        tokenizer.TryGetId("<0xF0>", out var leadByte);
        var stream = tokenizer.CreateStreamingDetokenizer();

        Assert.Equal(string.Empty, stream.Append(leadByte));
        Assert.Equal("\uFFFD", stream.Flush());
        Assert.Equal(string.Empty, stream.Flush());
    }

    [Theory]
    [InlineData(new byte[] { 0x41 }, 1)]
    [InlineData(new byte[] { 0x41, 0xE4 }, 1)]
    [InlineData(new byte[] { 0x41, 0xE4, 0xB8 }, 1)]
    [InlineData(new byte[] { 0x41, 0xE4, 0xB8, 0xAD }, 4)]
    [InlineData(new byte[] { 0xF0, 0x9F, 0x98 }, 0)]
    [InlineData(new byte[] { 0xF0, 0x9F, 0x98, 0x80 }, 4)]
    public void Complete_prefix_stops_before_an_unfinished_sequence(byte[] bytes, int expected) =>
        Assert.Equal(expected, StreamingDetokenizer.CompletePrefixLength(bytes));

    private static bool IsWellFormed(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(s[i]))
            {
                return false;
            }
        }

        return true;
    }
}
