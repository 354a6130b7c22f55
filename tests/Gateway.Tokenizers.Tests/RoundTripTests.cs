using Gateway.Inference;

namespace Gateway.Tokenizers.Tests;

public sealed class RoundTripTests
{
    private static readonly string[] Texts =
    [
        "",
        " ",
        "Hello world",
        "  two leading spaces",
        "trailing spaces   ",
        "\t\ttabs\tand\nnewlines\n\n\r\nand CRLF\r\n",
        "emoji 😀🚀👍🏽 and ❤️ and 👨‍👩‍👧",
        "中文测试，标点。日本語のテキスト",
        "مرحبا بالعالم",
        "한국어 문장입니다",
        "Ünïcödé ñ ß ø å — “quotes” «guillemets»",
        "\u00a0non-breaking\u00a0spaces\u2009thin",
        "combining: e\u0301 a\u0308",
        "math letters 𝒜𝓁𝓅𝒽𝒶 and 𝟘𝟙𝟚 digits",
        "     \n     \n",
        "code: for (int i = 0; i < n; i++) { sum += a[i]; }",
        "<|im_start|> and <s> as plain text",
        "1234567890 3.14159 -42 1e10",
    ];

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var vocabulary in (string[])["llama2", "smollm2", "stories"])
        {
            for (var i = 0; i < Texts.Length; i++)
            {
                data.Add(vocabulary, i);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_of_encode_gives_the_text_back(string vocabulary, int index)
    {
        var tokenizer = Tokenizer(vocabulary);
        var text = Texts[index];

        Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text, addBos: false, parseSpecial: false)));
        Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text, addBos: true, parseSpecial: false)));
    }

    [Theory]
    [MemberData(nameof(GoldenIdsTests.Cases), MemberType = typeof(GoldenIdsTests))]
    public void Golden_texts_round_trip_in_both_vocabularies(int index)
    {
        var text = TokenizerGolden.Cases[index].Text;
        foreach (var tokenizer in (ITokenizer[])[TestTokenizers.Llama2, TestTokenizers.SmolLm2])
        {
            Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text, addBos: false, parseSpecial: false)));
        }
    }

    [Fact]
    public void A_prompt_of_thousands_of_tokens_round_trips()
    {
        var paragraph = string.Join(' ', TokenizerGolden.Cases.Select(c => c.Text));
        var prompt = string.Join("\n\n", Enumerable.Repeat(paragraph, 8));

        foreach (var tokenizer in (ITokenizer[])[TestTokenizers.Llama2, TestTokenizers.SmolLm2])
        {
            var ids = tokenizer.Encode(prompt, addBos: false, parseSpecial: false);
            Assert.InRange(ids.Length, 2000, prompt.Length);
            Assert.Equal(prompt, tokenizer.Decode(ids));
        }
    }

    private static ITokenizer Tokenizer(string name) => name switch
    {
        "llama2" => TestTokenizers.Llama2,
        "smollm2" => TestTokenizers.SmolLm2,
        _ => TestTokenizers.Stories,
    };
}
