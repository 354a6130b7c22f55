using Gateway.Gguf;
using Gateway.Kernels;
using Gateway.Sampling;
using Gateway.Tokenizers;

namespace Gateway.Engine.Gguf.Synthetic;

/// <summary>
/// Writes a GGUF in a named model's exact shape with seeded random weights (N(0, 0.02), as models are initialized) and a
/// real tokenizer: converted from a Hugging Face <c>tokenizer.json</c>, or copied from a vocab-only GGUF. The same seed
/// always writes the same file.
/// </summary>
public static class SyntheticModelWriter
{
    private const float InitStd = 0.02f;

    public static void Write(SyntheticModelSpec spec, string tokenizerPath, GgmlType weightType, string outputPath, ulong seed = 42, IProgress<double>? progress = null)
    {
        var writer = new GgufWriter();
        writer.Set("general.architecture", spec.Architecture);
        writer.Set("general.name", $"{spec.Name} (synthetic, seed {seed})");
        var a = spec.Architecture;
        writer.Set($"{a}.context_length", (uint)spec.ContextLength);
        writer.Set($"{a}.embedding_length", (uint)spec.EmbeddingLength);
        writer.Set($"{a}.block_count", (uint)spec.BlockCount);
        writer.Set($"{a}.feed_forward_length", (uint)spec.FeedForwardLength);
        writer.Set($"{a}.attention.head_count", (uint)spec.HeadCount);
        writer.Set($"{a}.attention.head_count_kv", (uint)spec.KvHeadCount);
        writer.Set($"{a}.attention.layer_norm_rms_epsilon", 1e-5f);
        writer.Set($"{a}.rope.freq_base", spec.RopeFreqBase);
        writer.Set($"{a}.rope.dimension_count", (uint)spec.HeadDim);
        writer.Set($"{a}.vocab_size", (uint)spec.VocabSize);
        WriteTokenizer(writer, tokenizerPath);
        if (spec.ReadChatTemplate() is { } template)
        {
            writer.Set("tokenizer.chat_template", template);
        }

        var rng = new SplitMix64(seed);
        var tensors = new List<(string Name, long[] Dims, bool IsNorm)>
        {
            ("token_embd.weight", [spec.EmbeddingLength, spec.VocabSize], false),
        };
        var kvDim = spec.KvHeadCount * spec.HeadDim;
        for (var i = 0; i < spec.BlockCount; i++)
        {
            var p = $"blk.{i}.";
            tensors.Add((p + "attn_norm.weight", [spec.EmbeddingLength], true));
            tensors.Add((p + "attn_q.weight", [spec.EmbeddingLength, spec.EmbeddingLength], false));
            tensors.Add((p + "attn_k.weight", [spec.EmbeddingLength, kvDim], false));
            tensors.Add((p + "attn_v.weight", [spec.EmbeddingLength, kvDim], false));
            tensors.Add((p + "attn_output.weight", [spec.EmbeddingLength, spec.EmbeddingLength], false));
            tensors.Add((p + "ffn_norm.weight", [spec.EmbeddingLength], true));
            tensors.Add((p + "ffn_gate.weight", [spec.EmbeddingLength, spec.FeedForwardLength], false));
            tensors.Add((p + "ffn_up.weight", [spec.EmbeddingLength, spec.FeedForwardLength], false));
            tensors.Add((p + "ffn_down.weight", [spec.FeedForwardLength, spec.EmbeddingLength], false));
        }

        tensors.Add(("output_norm.weight", [spec.EmbeddingLength], true));
        if (!spec.TiedEmbeddings)
        {
            tensors.Add(("output.weight", [spec.EmbeddingLength, spec.VocabSize], false));
        }

        var total = tensors.Sum(t => t.Dims.Aggregate(1L, (x, y) => x * y));
        long done = 0;
        foreach (var (name, dims, isNorm) in tensors)
        {
            var type = isNorm ? GgmlType.F32 : weightType;
            // Each tensor draws from its own stream derived from the seed, so tensors are independent of write order.
            var tensorSeed = rng.NextUInt64();
            writer.AddTensor(name, type, dims, stream =>
            {
                WriteRandomTensor(stream, type, dims, isNorm, tensorSeed);
                done += dims.Aggregate(1L, (x, y) => x * y);
                progress?.Report((double)done / total);
            });
        }

        writer.Save(outputPath);
    }

    private static void WriteTokenizer(GgufWriter writer, string tokenizerPath)
    {
        if (tokenizerPath.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
        {
            using var vocab = GgufFile.Open(tokenizerPath);
            foreach (var key in vocab.Metadata.Keys.Where(k => k.StartsWith("tokenizer.", StringComparison.Ordinal)))
            {
                writer.Set(key, vocab.Metadata[key]);
            }

            return;
        }

        HuggingFaceTokenizerJson.Convert(tokenizerPath, "smollm").WriteTo(writer);
    }

    private static void WriteRandomTensor(Stream stream, GgmlType type, long[] dims, bool isNorm, ulong seed)
    {
        var rng = new SplitMix64(seed);
        var cols = (int)dims[0];
        var rows = dims.Length > 1 ? dims[1] : 1;
        var values = new float[cols];
        var bytes = new byte[GgmlTypeTraits.RowBytes(type, cols)];
        for (long r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++)
            {
                values[c] = isNorm ? 1f + (0.1f * NextGaussian(ref rng)) : InitStd * NextGaussian(ref rng);
            }

            Quantizer.QuantizeRow(type, values, bytes);
            stream.Write(bytes);
        }
    }

    private static float NextGaussian(ref SplitMix64 rng)
    {
        // Box-Muller; one of the pair is dropped to keep the generator stateless apart from the RNG.
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }
}
