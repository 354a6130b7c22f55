namespace Gateway.Tokenizers.Tests;

public sealed class StoriesTokenizerTests
{
    [Fact]
    public void Once_upon_a_time_encodes_to_a_few_word_pieces_and_back()
    {
        var tokenizer = TestTokenizers.Stories;

        var ids = tokenizer.Encode("Once upon a time", addBos: true, parseSpecial: false);

        Assert.Equal(512, tokenizer.VocabSize);
        Assert.Equal(tokenizer.BosId, ids[0]);
        Assert.InRange(ids.Length, 3, 10);
        Assert.All(ids.Skip(1), id => Assert.False(tokenizer.IsControl(id)));
        Assert.StartsWith("▁", tokenizer.TokenText(ids[1]));
        Assert.Equal("Once upon a time", tokenizer.Decode(ids));
    }

    [Fact]
    public void Generated_text_streams_with_its_leading_space()
    {
        var tokenizer = TestTokenizers.Stories;
        var ids = tokenizer.Encode("Once upon a time", addBos: false, parseSpecial: false);
        var stream = tokenizer.CreateStreamingDetokenizer();

        var streamed = string.Concat(ids.Select(stream.Append)) + stream.Flush();

        // Token by token, as a completion is streamed, the first word keeps its space (llama.cpp prints the same).
        Assert.Equal(" Once upon a time", streamed);
    }
}
