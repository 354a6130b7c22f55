using Gateway.Gguf;
using Gateway.Inference;
using Gateway.Tokenizers;

namespace Gateway.Engine.Onnx.Tokenizers;

/// <summary>A GGUF file's <c>tokenizer.ggml.*</c> keys, read once for writing the Hugging Face tokenizer files.</summary>
internal sealed record GgufVocabulary(
    string Model,
    string? Pre,
    string[] Tokens,
    TokenType[] Types,
    float[] Scores,
    string[] Merges,
    int BosId,
    int EosId,
    int UnknownId,
    int PaddingId,
    bool AddBos,
    bool AddSpacePrefix,
    string? ChatTemplate)
{
    public static GgufVocabulary Read(GgufFile file)
    {
        var m = file.Metadata;
        var model = m.GetString("tokenizer.ggml.model");
        if (model is not ("llama" or "gpt2"))
        {
            throw new ModelLoadException(file.Path, $"unknown tokenizer model '{model}' (tokenizer.ggml.model; supported: llama, gpt2)");
        }

        var spm = model == "llama";
        var tokens = m.GetArray<string>("tokenizer.ggml.tokens");
        var rawTypes = m.GetArrayOrDefault<int>("tokenizer.ggml.token_type");
        var types = new TokenType[tokens.Length];
        for (var i = 0; i < types.Length; i++)
        {
            types[i] = rawTypes is null || i >= rawTypes.Length ? TokenType.Normal : (TokenType)rawTypes[i];
        }

        int Id(string key, int fallback) => (int)m.GetInt64OrDefault(key, fallback);
        var eos = Id("tokenizer.ggml.eos_token_id", spm ? 2 : -1);
        return new GgufVocabulary(
            model,
            m.GetStringOrDefault("tokenizer.ggml.pre"),
            tokens,
            types,
            m.GetArrayOrDefault<float>("tokenizer.ggml.scores") ?? new float[tokens.Length],
            m.GetArrayOrDefault<string>("tokenizer.ggml.merges") ?? [],
            Id("tokenizer.ggml.bos_token_id", spm ? 1 : -1),
            eos,
            Id("tokenizer.ggml.unknown_token_id", spm ? 0 : -1),
            Id("tokenizer.ggml.padding_token_id", eos),
            m.GetBoolOrDefault("tokenizer.ggml.add_bos_token", spm),
            m.GetBoolOrDefault("tokenizer.ggml.add_space_prefix", spm),
            m.GetStringOrDefault("tokenizer.chat_template"));
    }

    public string? TokenOrNull(int id) => id >= 0 && id < Tokens.Length ? Tokens[id] : null;
}
