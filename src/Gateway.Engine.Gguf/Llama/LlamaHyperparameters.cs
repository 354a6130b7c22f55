using Gateway.Gguf;
using Gateway.Inference;

namespace Gateway.Engine.Gguf.Llama;

/// <summary>The shape of a Llama-family model, read from <c>{arch}.*</c> GGUF metadata.</summary>
public sealed record LlamaHyperparameters(
    string Architecture,
    int EmbeddingLength,
    int BlockCount,
    int HeadCount,
    int KvHeadCount,
    int HeadDim,
    int FeedForwardLength,
    int ContextLength,
    int VocabSize,
    float RmsEpsilon,
    float RopeFreqBase,
    float RopeScale,
    int RopeDimensions,
    RopeStyle RopeStyle)
{
    /// <summary>Architectures whose graph is this one. Mistral GGUFs declare "llama".</summary>
    public static IReadOnlyList<string> SupportedArchitectures { get; } = ["llama", "qwen2"];

    public int QueryDim => HeadCount * HeadDim;

    public int KvDim => KvHeadCount * HeadDim;

    public static LlamaHyperparameters FromGguf(GgufFile file)
    {
        var m = file.Metadata;
        var arch = m.GetStringOrDefault("general.architecture")
            ?? throw new ModelLoadException(file.Path, "missing metadata key 'general.architecture'");
        if (!SupportedArchitectures.Contains(arch))
        {
            throw new ModelLoadException(file.Path,
                $"unknown architecture '{arch}' (supported: {string.Join(", ", SupportedArchitectures)})");
        }

        var dim = m.GetInt32($"{arch}.embedding_length");
        var heads = m.GetInt32($"{arch}.attention.head_count");
        var kvHeads = m.GetInt32OrDefault($"{arch}.attention.head_count_kv", heads);
        var headDim = m.GetInt32OrDefault($"{arch}.attention.key_length", dim / Math.Max(1, heads));
        if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0 || headDim % 2 != 0)
        {
            throw new ModelLoadException(file.Path, $"inconsistent attention shape: {heads} heads, {kvHeads} KV heads, head size {headDim}");
        }

        var vocab = m.GetArrayOrDefault<string>("tokenizer.ggml.tokens")?.Length
            ?? m.GetInt32OrDefault($"{arch}.vocab_size", 0);
        if (file.TryGetTensor("token_embd.weight", out var embd) && embd.Dimensions.Length == 2)
        {
            vocab = (int)embd.Dimensions[1];
        }

        var scalingType = m.GetStringOrDefault($"{arch}.rope.scaling.type", "none");
        var ropeScale = scalingType == "linear" ? 1f / m.GetSingleOrDefault($"{arch}.rope.scaling.factor", 1f) : 1f;
        return new LlamaHyperparameters(
            arch,
            dim,
            m.GetInt32($"{arch}.block_count"),
            heads,
            kvHeads,
            headDim,
            m.GetInt32($"{arch}.feed_forward_length"),
            m.GetInt32OrDefault($"{arch}.context_length", 2048),
            vocab,
            m.GetSingleOrDefault($"{arch}.attention.layer_norm_rms_epsilon", 1e-5f),
            m.GetSingleOrDefault($"{arch}.rope.freq_base", 10000f),
            ropeScale,
            m.GetInt32OrDefault($"{arch}.rope.dimension_count", headDim),
            arch == "qwen2" ? RopeStyle.NeoX : RopeStyle.Interleaved);
    }
}
