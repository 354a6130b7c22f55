using Gateway.Inference;

namespace Gateway.Tokenizers.Tests;

public sealed class SpecialTokenTests
{
    [Fact]
    public void ChatML_markers_become_single_ids_only_when_special_parsing_is_on()
    {
        var tokenizer = TestTokenizers.SmolLm2;
        Assert.True(tokenizer.TryGetId("<|im_start|>", out var imStart));
        Assert.True(tokenizer.TryGetId("<|im_end|>", out var imEnd));
        const string text = "<|im_start|>user\nHi<|im_end|>";

        var parsed = tokenizer.Encode(text, addBos: false, parseSpecial: true);
        var literal = tokenizer.Encode(text, addBos: false, parseSpecial: false);

        Assert.Equal(imStart, parsed[0]);
        Assert.Equal(imEnd, parsed[^1]);
        Assert.DoesNotContain(imStart, literal);
        Assert.DoesNotContain(imEnd, literal);
        Assert.Equal(text, tokenizer.Decode(literal));
    }

    [Fact]
    public void Control_tokens_render_only_when_asked()
    {
        var tokenizer = TestTokenizers.SmolLm2;
        var ids = tokenizer.Encode("<|im_start|>assistant\nOK<|im_end|>", addBos: false, parseSpecial: true);

        Assert.Equal("assistant\nOK", tokenizer.Decode(ids));
        Assert.Equal("<|im_start|>assistant\nOK<|im_end|>", tokenizer.Decode(ids, renderSpecial: true));
        Assert.True(tokenizer.IsControl(ids[0]));
        Assert.False(tokenizer.IsControl(ids[1]));
    }

    [Fact]
    public void End_of_generation_covers_eos_and_chatml_end_markers()
    {
        var smol = TestTokenizers.SmolLm2;
        smol.TryGetId("<|im_end|>", out var imEnd);
        smol.TryGetId("<|endoftext|>", out var endOfText);
        smol.TryGetId("<|im_start|>", out var imStart);

        Assert.Equal(imEnd, smol.EosId);
        Assert.Contains(imEnd, smol.EndOfGenerationIds);
        Assert.Contains(endOfText, smol.EndOfGenerationIds);
        Assert.DoesNotContain(imStart, smol.EndOfGenerationIds);
        Assert.Equal([2], TestTokenizers.Llama2.EndOfGenerationIds.Order());
    }

    [Fact]
    public void The_longest_special_token_wins_and_user_defined_tokens_are_always_matched()
    {
        var tokenizer = TinyVocabularies.Build(TinyVocabularies.ByteLevel(
            ("<x>", TokenType.Control), ("<x><y>", TokenType.Control), ("<tool>", TokenType.UserDefined), ("<|end|>", TokenType.Control)));
        tokenizer.TryGetId("<x><y>", out var xy);
        tokenizer.TryGetId("<tool>", out var tool);
        tokenizer.TryGetId("<|end|>", out var end);
        tokenizer.TryGetId("ab", out var ab);

        Assert.Equal([ab, xy, tool, end], tokenizer.Encode("ab<x><y><tool><|end|>", addBos: false, parseSpecial: true));

        var literal = tokenizer.Encode("ab<x><y><tool><|end|>", addBos: false, parseSpecial: false);
        Assert.Contains(tool, literal);
        Assert.DoesNotContain(xy, literal);
        Assert.DoesNotContain(end, literal);
        Assert.Contains(end, tokenizer.EndOfGenerationIds);
    }

    [Fact]
    public void Llama2_bos_and_eos_come_from_the_file()
    {
        var tokenizer = TestTokenizers.Llama2;

        Assert.Equal(1, tokenizer.BosId);
        Assert.Equal(2, tokenizer.EosId);
        Assert.True(tokenizer.AddBos);
        Assert.Equal(32000, tokenizer.VocabSize);
        Assert.Equal([1, 15043], tokenizer.Encode("Hello", addBos: true, parseSpecial: true));
    }
}
