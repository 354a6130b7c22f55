using Gateway.Gguf;
using Gateway.Inference;

namespace Gateway.Tokenizers.Tests;

/// <summary>Writes small hand-made tokenizer GGUFs to temporary files, for cases the shared vocabularies do not cover.</summary>
internal static class TinyVocabularies
{
    /// <summary>
    /// A byte-level vocabulary: the 256 byte characters, "ab" (merge "a b"), and extra tokens of the given types.
    /// </summary>
    public static GgufTokenizerMetadata ByteLevel(params (string Text, TokenType Type)[] extra)
    {
        var tokens = new List<string>();
        var types = new List<int>();
        for (var b = 0; b < 256; b++)
        {
            tokens.Add(ByteLevelAlphabet.ToChar((byte)b).ToString());
            types.Add((int)TokenType.Normal);
        }

        tokens.Add("ab");
        types.Add((int)TokenType.Normal);
        foreach (var (text, type) in extra)
        {
            tokens.Add(text);
            types.Add((int)type);
        }

        return new GgufTokenizerMetadata
        {
            Model = "gpt2",
            Pre = "gpt-2",
            Tokens = [.. tokens],
            TokenTypes = [.. types],
            Merges = ["a b"],
        };
    }

    /// <summary>Saves <paramref name="metadata"/> as a vocabulary-only GGUF and builds a tokenizer from it.</summary>
    public static ITokenizer Build(GgufTokenizerMetadata metadata)
    {
        using var temp = new TempFile();
        var writer = new GgufWriter();
        metadata.WriteTo(writer);
        writer.Save(temp.Path);
        using var file = GgufFile.Open(temp.Path);
        return TokenizerFactory.FromGguf(file);
    }
}

/// <summary>A file path in a fresh temporary directory of its own (nothing beside it), deleted on dispose.</summary>
internal sealed class TempFile : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("vocab-test-").FullName;

    public TempFile()
    {
        Path = System.IO.Path.Combine(_directory, "file");
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
