using Gateway.Gguf;
using Gateway.Inference;

namespace Gateway.Engine.Onnx.Export;

/// <summary>
/// The Llama-family shape the exporter needs from <c>{arch}.*</c> GGUF metadata. The ONNX engine reads GGUF only to
/// export, so it keeps its own reading of these keys rather than depending on the GGUF engine.
/// </summary>
internal sealed record DecoderShape(
    string Architecture,
    int Hidden,
    int Layers,
    int Heads,
    int KvHeads,
    int HeadDim,
    int FeedForward,
    int ContextLength,
    int VocabSize,
    float RmsEpsilon,
    float RopeBase,
    float RopeScale,
    bool RopeInterleaved)
{
    /// <summary>Architectures with this graph; Mistral GGUFs declare "llama".</summary>
    public static readonly string[] Supported = ["llama", "qwen2"];

    /// <summary>ONNX Runtime's CPU GroupQueryAttention needs head sizes in multiples of 16; smaller heads are zero-padded.</summary>
    public int PaddedHeadDim => (HeadDim + 15) / 16 * 16;

    public static DecoderShape Read(GgufFile file)
    {
        var m = file.Metadata;
        var arch = m.GetStringOrDefault("general.architecture")
            ?? throw new ModelLoadException(file.Path, "missing metadata key 'general.architecture'");
        if (!Supported.Contains(arch))
        {
            throw new ModelLoadException(file.Path, $"unknown architecture '{arch}' (export supports: {string.Join(", ", Supported)})");
        }

        var hidden = m.GetInt32($"{arch}.embedding_length");
        var heads = m.GetInt32($"{arch}.attention.head_count");
        var kvHeads = m.GetInt32OrDefault($"{arch}.attention.head_count_kv", heads);
        var headDim = m.GetInt32OrDefault($"{arch}.attention.key_length", hidden / Math.Max(1, heads));
        if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0 || headDim % 2 != 0)
        {
            throw new ModelLoadException(file.Path, $"inconsistent attention shape: {heads} heads, {kvHeads} KV heads, head size {headDim}");
        }

        var ropeDims = m.GetInt32OrDefault($"{arch}.rope.dimension_count", headDim);
        if (ropeDims != headDim)
        {
            throw new ModelLoadException(file.Path, $"partial rotary embeddings ({ropeDims} of {headDim} dimensions) cannot be exported");
        }

        var vocab = m.GetArrayOrDefault<string>("tokenizer.ggml.tokens")?.Length ?? m.GetInt32OrDefault($"{arch}.vocab_size", 0);
        if (file.TryGetTensor("token_embd.weight", out var embd) && embd.Dimensions.Length == 2)
        {
            vocab = (int)embd.Dimensions[1];
        }

        var scaling = m.GetStringOrDefault($"{arch}.rope.scaling.type", "none");
        return new DecoderShape(
            arch,
            hidden,
            m.GetInt32($"{arch}.block_count"),
            heads,
            kvHeads,
            headDim,
            m.GetInt32($"{arch}.feed_forward_length"),
            m.GetInt32OrDefault($"{arch}.context_length", 2048),
            vocab,
            m.GetSingleOrDefault($"{arch}.attention.layer_norm_rms_epsilon", 1e-5f),
            m.GetSingleOrDefault($"{arch}.rope.freq_base", 10000f),
            scaling == "linear" ? 1f / m.GetSingleOrDefault($"{arch}.rope.scaling.factor", 1f) : 1f,
            // llama.cpp's converter permutes llama Q/K rows so adjacent pairs rotate; Qwen2 keeps NeoX halves.
            RopeInterleaved: arch != "qwen2");
    }
}
