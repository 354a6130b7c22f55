using Gateway.Gguf;
using Gateway.Inference;

namespace Gateway.Tokenizers;

/// <summary>Builds the tokenizer a GGUF file describes in its <c>tokenizer.ggml.*</c> metadata.</summary>
public static class TokenizerFactory
{
    public static ITokenizer FromGguf(GgufFile file) => FromGguf(file, new TokenizerOptions());

    /// <summary>
    /// Reads the vocabulary and precomputes everything encoding needs. A tokenizer model or pre-tokenizer this gateway
    /// does not implement, or inconsistent tokenizer metadata, is a <see cref="ModelLoadException"/> naming the file.
    /// </summary>
    public static ITokenizer FromGguf(GgufFile file, TokenizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(options);
        var metadata = file.Metadata;
        var model = metadata.GetString("tokenizer.ggml.model");
        try
        {
            switch (model)
            {
                case "llama":
                    // SentencePiece vocabularies put <unk>, <s>, </s> first; llama.cpp assumes so when ids are absent.
                    return new SentencePieceTokenizer(TokenizerVocabulary.Load(metadata, file.Path,
                        new TokenizerVocabulary.Defaults(Bos: 1, Eos: 2, Unknown: 0, AddBos: true, AddSpacePrefix: true)));
                case "gpt2":
                    var pre = metadata.GetStringOrDefault("tokenizer.ggml.pre");
                    var settings = BpePreTokenizerPatterns.Resolve(pre)
                        ?? throw new ModelLoadException(file.Path, $"unknown pre-tokenizer '{pre}' (tokenizer.ggml.pre)");
                    var vocabulary = TokenizerVocabulary.Load(metadata, file.Path,
                        new TokenizerVocabulary.Defaults(Bos: -1, Eos: -1, Unknown: -1, settings.AddBosByDefault, AddSpacePrefix: false));
                    return new ByteLevelBpeTokenizer(
                        vocabulary, metadata.GetArray<string>("tokenizer.ggml.merges"), settings, options);
                default:
                    throw new ModelLoadException(file.Path,
                        $"unknown tokenizer model '{model}' (tokenizer.ggml.model; supported: llama, gpt2)");
            }
        }
        catch (InvalidDataException ex)
        {
            throw new ModelLoadException(file.Path, ex.Message, ex);
        }
    }
}
