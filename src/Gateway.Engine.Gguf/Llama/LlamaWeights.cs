using Gateway.Gguf;
using Gateway.Inference;
using Gateway.Kernels;

namespace Gateway.Engine.Gguf.Llama;

/// <summary>
/// Binds a GGUF file's tensors to the Llama graph, checking every name and shape up front so a bad file fails at load
/// with the tensor named, never mid-request. Quantized matrices stay quantized; Q4_0 and Q8_0 matrices are repacked
/// once into the GEMM kernels' interleaved layout (about 6-11 % larger than the ggml rows, which products then no longer
/// read), others are used in place, in the mapping. A tied output matrix gets its own packed copy while the embedding
/// rows stay in the mapping for token lookups.
/// </summary>
internal sealed unsafe class LlamaWeights : IDisposable
{
    private LlamaWeights(WeightMatrix embedding, float[] outputNorm, WeightMatrix output, bool tiedOutput, LlamaLayerWeights[] layers)
    {
        TokenEmbedding = embedding;
        OutputNorm = outputNorm;
        Output = output;
        TiedOutput = tiedOutput;
        Layers = layers;
    }

    public WeightMatrix TokenEmbedding { get; }

    public float[] OutputNorm { get; }

    /// <summary>The vocabulary projection; the embedding matrix itself when the model ties them.</summary>
    public WeightMatrix Output { get; }

    public bool TiedOutput { get; }

    public IReadOnlyList<LlamaLayerWeights> Layers { get; }

    public static LlamaWeights Load(GgufFile file, LlamaHyperparameters hp)
    {
        var binder = new Binder(file);
        var embedding = binder.Matrix("token_embd.weight", hp.EmbeddingLength, hp.VocabSize);
        var tied = !file.TryGetTensor("output.weight", out _);
        var output = (tied ? embedding : binder.Matrix("output.weight", hp.EmbeddingLength, hp.VocabSize)).WithPackedCopy();
        var layers = new LlamaLayerWeights[hp.BlockCount];
        for (var i = 0; i < hp.BlockCount; i++)
        {
            var p = $"blk.{i}.";
            layers[i] = new LlamaLayerWeights(
                binder.Vector(p + "attn_norm.weight", hp.EmbeddingLength),
                binder.Packed(p + "attn_q.weight", hp.EmbeddingLength, hp.QueryDim),
                binder.Packed(p + "attn_k.weight", hp.EmbeddingLength, hp.KvDim),
                binder.Packed(p + "attn_v.weight", hp.EmbeddingLength, hp.KvDim),
                binder.OptionalVector(p + "attn_q.bias", hp.QueryDim),
                binder.OptionalVector(p + "attn_k.bias", hp.KvDim),
                binder.OptionalVector(p + "attn_v.bias", hp.KvDim),
                binder.Packed(p + "attn_output.weight", hp.QueryDim, hp.EmbeddingLength),
                binder.Vector(p + "ffn_norm.weight", hp.EmbeddingLength),
                binder.Packed(p + "ffn_gate.weight", hp.EmbeddingLength, hp.FeedForwardLength),
                binder.Packed(p + "ffn_up.weight", hp.EmbeddingLength, hp.FeedForwardLength),
                binder.Packed(p + "ffn_down.weight", hp.FeedForwardLength, hp.EmbeddingLength));
        }

        return new LlamaWeights(embedding, binder.Vector("output_norm.weight", hp.EmbeddingLength), output, tied, layers);
    }

    /// <summary>Whether every matrix has a packed copy (goes through the integer GEMM kernels).</summary>
    public bool AllPacked => AllMatrices().All(m => m.Packed is not null);

    /// <summary>Multiply-adds of one token through every matrix (the output projection included).</summary>
    public long MultiplyAddsPerToken => AllMatrices().Sum(m => (long)m.Rows * m.Cols);

    /// <summary>Bits per weight of the packed copies, their scales included (packed Q4_0: 5, Q8_0: 9); 0 if none is packed.</summary>
    public double PackedBitsPerWeight
    {
        get
        {
            var packed = AllMatrices().Where(m => m.Packed is not null).ToList();
            var weights = packed.Sum(m => (long)m.Rows * m.Cols);
            return weights == 0 ? 0 : 8.0 * packed.Sum(m => m.Packed!.ByteSize) / weights;
        }
    }

    /// <summary>Native bytes of the packed copies.</summary>
    public long PackedBytes => AllMatrices().Sum(m => m.Packed?.ByteSize ?? 0);

    public void Dispose()
    {
        foreach (var m in AllMatrices())
        {
            m.Packed?.Dispose();
        }
    }

    private IEnumerable<WeightMatrix> AllMatrices()
    {
        yield return Output;
        foreach (var l in Layers)
        {
            yield return l.Query;
            yield return l.Key;
            yield return l.Value;
            yield return l.Output;
            yield return l.Gate;
            yield return l.Up;
            yield return l.Down;
        }
    }

    private readonly struct Binder(GgufFile file)
    {
        public WeightMatrix Matrix(string name, int cols, int rows)
        {
            var info = file.GetTensor(name);
            if (info.Dimensions.Length != 2 || info.Dimensions[0] != cols || info.Dimensions[1] != rows)
            {
                throw new ModelLoadException(file.Path,
                    $"tensor '{name}' has shape [{string.Join(", ", info.Dimensions)}], expected [{cols}, {rows}]");
            }

            return new WeightMatrix(file.GetTensorData(info), info.Type, rows, cols);
        }

        public WeightMatrix Packed(string name, int cols, int rows) => Matrix(name, cols, rows).WithPackedCopy();

        public float[] Vector(string name, int length)
        {
            var info = file.GetTensor(name);
            if (info.ElementCount != length)
            {
                throw new ModelLoadException(file.Path, $"tensor '{name}' has {info.ElementCount} elements, expected {length}");
            }

            var values = new float[length];
            Dequantizer.DequantizeRow(info.Type, file.GetTensorBytes(info), values);
            return values;
        }

        public float[]? OptionalVector(string name, int length) => file.TryGetTensor(name, out _) ? Vector(name, length) : null;
    }
}
