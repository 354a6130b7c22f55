using System.Text.Json;
using Gateway.Gguf;
using Gateway.Inference;
using Gateway.Engine.Onnx.Export;
using Gateway.Engine.Onnx.Tokenizers;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace Gateway.Engine.Onnx.Tests;

/// <summary>
/// The tokenizer files the exporter writes from a GGUF vocabulary must tokenize as llama.cpp does, both when ONNX
/// Runtime GenAI reads them and when the gateway reads them back to serve an ONNX folder.
/// </summary>
public sealed class TokenizerExportTests
{
    public static TheoryData<string, int> Cases() => CasesWhere(_ => true);

    /// <summary>
    /// GenAI's tokenizer splits SentencePiece input at U+00A0 before merging, so "▁" + NBSP never becomes the
    /// vocabulary's "▁\u00A0" token as llama.cpp (and our tokenizer, below) produce: a GenAI difference, not the file's.
    /// </summary>
    public static TheoryData<string, int> GenAiCases() =>
        CasesWhere(c => !(c.Vocab.StartsWith("llama2", StringComparison.Ordinal) && c.Text.Contains('\u00A0', StringComparison.Ordinal)));

    private static TheoryData<string, int> CasesWhere(Func<(string Vocab, string Text), bool> include)
    {
        var data = new TheoryData<string, int>();
        foreach (var vocab in new[] { "llama2-vocab.gguf", "smollm2-135m-vocab.gguf" })
        {
            for (var i = 0; i < Golden.Value.Length; i++)
            {
                if (include((vocab, Golden.Value[i].Text)))
                {
                    data.Add(vocab, i);
                }
            }
        }

        return data;
    }

    private static readonly Lazy<(string Text, int[] SmolLm2, int[] Llama2)[]> Golden = new(() =>
    {
        using var document = JsonDocument.Parse(File.ReadAllText(TestModels.Path("tokenizer-golden.json")));
        return [.. document.RootElement.GetProperty("cases").EnumerateArray().Select(c => (
            c.GetProperty("text").GetString()!,
            c.GetProperty("gpt2_smollm2").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            c.GetProperty("llama_llama2").EnumerateArray().Select(e => e.GetInt32()).ToArray()))];
    });

    private static readonly Dictionary<string, Lazy<string>> Folders = new()
    {
        ["llama2-vocab.gguf"] = new(() => WriteFolder("llama2-vocab.gguf")),
        ["smollm2-135m-vocab.gguf"] = new(() => WriteFolder("smollm2-135m-vocab.gguf")),
    };

    // One GenAI model + tokenizer and one read-back tokenizer per vocabulary for the whole class (loading is the slow part).
    private static readonly Dictionary<string, Lazy<Tokenizer>> GenAiTokenizers = Folders.ToDictionary(
        f => f.Key, f => new Lazy<Tokenizer>(() => new Tokenizer(new Model(f.Value.Value))));

    private static readonly Dictionary<string, Lazy<Gateway.Inference.ITokenizer>> ReadBack = Folders.ToDictionary(
        f => f.Key, f => new Lazy<Gateway.Inference.ITokenizer>(() => TokenizerJsonReader.Load(f.Value.Value, -1, -1)));

    [Theory]
    [MemberData(nameof(GenAiCases))]
    public void GenAI_tokenizer_on_the_exported_tokenizer_json_gives_llama_cpp_ids(string vocab, int index)
    {
        var (text, expected) = Case(vocab, index);
        using var sequences = GenAiTokenizers[vocab].Value.Encode(text);
        Assert.Equal(expected, sequences[0].ToArray());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gateway_tokenizer_read_back_from_tokenizer_json_gives_llama_cpp_ids(string vocab, int index)
    {
        var (text, expected) = Case(vocab, index);
        Assert.Equal(expected, ReadBack[vocab].Value.Encode(text, addBos: false, parseSpecial: true));
    }

    [Fact]
    public void Read_back_tokenizer_keeps_the_special_ids_and_bos_policy()
    {
        var llama = TokenizerJsonReader.Load(Folders["llama2-vocab.gguf"].Value, -1, -1);
        Assert.Equal((1, 2, true), (llama.BosId, llama.EosId, llama.AddBos));
        var smol = TokenizerJsonReader.Load(Folders["smollm2-135m-vocab.gguf"].Value, -1, -1);
        using var gguf = GgufFile.Open(TestModels.Path("smollm2-135m-vocab.gguf"));
        var original = Gateway.Tokenizers.TokenizerFactory.FromGguf(gguf);
        Assert.Equal((original.BosId, original.EosId, original.AddBos), (smol.BosId, smol.EosId, smol.AddBos));
        Assert.Equal(original.EndOfGenerationIds.Order(), smol.EndOfGenerationIds.Order());
    }

    private static (string Text, int[] Ids) Case(string vocab, int index)
    {
        var c = Golden.Value[index];
        return (c.Text, vocab.StartsWith("llama2", StringComparison.Ordinal) ? c.Llama2 : c.SmolLm2);
    }

    /// <summary>
    /// The vocabulary's tokenizer files beside a tiny decoder (GenAI opens tokenizers through a model; which decoder
    /// does not matter to the tokenizer).
    /// </summary>
    private static string WriteFolder(string vocabFile)
    {
        var folder = ExportedModels.CopyOf(ExportedModels.Stories(ExportPrecision.Fp32));
        using var file = GgufFile.Open(TestModels.Path(vocabFile));
        TokenizerJsonWriter.Write(GgufVocabulary.Read(file), folder, 2048, file.Path);
        return folder;
    }
}
