namespace Gateway.Tokenizers.Tests;

public sealed class ByteFallbackTests
{
    [Fact]
    public void A_character_missing_from_the_vocabulary_becomes_its_utf8_byte_tokens()
    {
        var tokenizer = TestTokenizers.Llama2;
        const string rare = "𝒜"; // U+1D49C, F0 9D 92 9C in UTF-8
        Assert.False(tokenizer.TryGetId(rare, out _));

        var ids = tokenizer.Encode(rare, addBos: false, parseSpecial: false);

        // The space prefix "▁" first, then one token per byte.
        Assert.Equal(["▁", "<0xF0>", "<0x9D>", "<0x92>", "<0x9C>"], ids.Select(tokenizer.TokenText));
        Assert.Equal([0x9D], tokenizer.TokenBytes(ids[2]));
        Assert.Equal(rare, tokenizer.Decode(ids));
    }

    [Fact]
    public void Byte_level_bpe_spells_any_byte_without_fallback_tokens()
    {
        var tokenizer = TestTokenizers.SmolLm2;

        var ids = tokenizer.Encode("𝒜", addBos: false, parseSpecial: false);

        Assert.Equal(new byte[] { 0xF0, 0x9D, 0x92, 0x9C }, ids.SelectMany(tokenizer.TokenBytes));
        Assert.Equal("𝒜", tokenizer.Decode(ids));
    }
}
