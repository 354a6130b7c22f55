using System.Text.Json;

namespace Gateway.Tokenizers.Tests;

/// <summary>The texts and llama.cpp's ids for them from <c>shared/models/tokenizer-golden.json</c>.</summary>
internal static class TokenizerGolden
{
    private static readonly Lazy<GoldenCase[]> CasesLazy = new(Read);

    public static IReadOnlyList<GoldenCase> Cases => CasesLazy.Value;

    /// <summary>One theory row per case, by index, so each text is its own visible test result.</summary>
    public static TheoryData<int> CaseIndexes()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Cases.Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    private static GoldenCase[] Read()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(SharedModels.Path("tokenizer-golden.json")));
        return [.. document.RootElement.GetProperty("cases").EnumerateArray().Select(c => new GoldenCase(
            c.GetProperty("text").GetString()!,
            [.. c.GetProperty("gpt2_smollm2").EnumerateArray().Select(e => e.GetInt32())],
            [.. c.GetProperty("llama_llama2").EnumerateArray().Select(e => e.GetInt32())]))];
    }
}

internal sealed record GoldenCase(string Text, int[] SmolLm2Ids, int[] Llama2Ids);
