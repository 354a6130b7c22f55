using Gateway.Gguf;

namespace Gateway.Tokenizers.Tests;

public sealed class BpeWordCacheTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Encoding_is_the_same_with_no_cache_or_one_that_keeps_overflowing(int capacity)
    {
        using var file = GgufFile.Open(SharedModels.Path("smollm2-135m-vocab.gguf"));
        var tokenizer = TokenizerFactory.FromGguf(file, new TokenizerOptions { BpeWordCacheCapacity = capacity });

        // Twice over, so the second pass meets whatever the first left in the cache.
        foreach (var golden in TokenizerGolden.Cases.Concat(TokenizerGolden.Cases))
        {
            GoldenIdsTests.AssertIds(golden.SmolLm2Ids, tokenizer, golden.Text);
        }
    }

    [Fact]
    public void A_cached_word_gives_its_ids_back_and_capacity_bounds_the_entries()
    {
        var cache = new BpeWordCache(capacity: 2);
        cache.Add("one", [1]);
        cache.Add("two", [2]);

        Assert.True(cache.TryGet("one".AsSpan(), out var ids));
        Assert.Equal([1], ids);

        cache.Add("three", [3]);

        Assert.True(cache.TryGet("three".AsSpan(), out _));
        Assert.False(cache.TryGet("one".AsSpan(), out _));
    }

    [Fact]
    public void Very_long_words_are_not_kept()
    {
        var cache = new BpeWordCache(capacity: 10);
        var blob = new string('x', 1000);

        cache.Add(blob, [1]);

        Assert.False(cache.TryGet(blob.AsSpan(), out _));
    }
}
