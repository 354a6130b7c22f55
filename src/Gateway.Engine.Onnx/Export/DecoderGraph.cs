using Gateway.Gguf;
using Gateway.Inference;
using Gateway.Engine.Onnx.Protobuf;
using static Gateway.Engine.Onnx.Export.GraphBuilder;
using DataType = Gateway.Engine.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Gateway.Engine.Onnx.Export;

/// <summary>
/// Builds the decoder graph ONNX Runtime GenAI's model builder emits for Llama-family models, from GGUF weights:
/// inputs <c>input_ids</c>, <c>attention_mask</c>, <c>past_key_values.N.key/value</c>; outputs <c>logits</c>,
/// <c>present.N.key/value</c>; attention is com.microsoft GroupQueryAttention, which applies the rotary embedding and
/// reads per-row lengths from the mask, so rows of different lengths share one run.
/// </summary>
internal static class DecoderGraph
{
    public const string InputIds = "input_ids";
    public const string AttentionMask = "attention_mask";
    public const string Logits = "logits";

    public static string PastKey(int layer) => $"past_key_values.{layer}.key";

    public static string PastValue(int layer) => $"past_key_values.{layer}.value";

    public static string PresentKey(int layer) => $"present.{layer}.key";

    public static string PresentValue(int layer) => $"present.{layer}.value";

    public static ModelProto Build(GgufFile file, DecoderShape shape, ExportPrecision precision)
    {
        var graph = new GraphBuilder();
        var pad = new HeadPadding(shape.HeadDim, shape.PaddedHeadDim, shape.RopeInterleaved);
        // accuracy_level 4: int8 activations against the 4-bit blocks, ONNX Runtime's fast CPU path (as our own kernels do).
        var linear = new LinearLayers(graph, precision, accuracyLevel: 4);
        var hd = shape.PaddedHeadDim;

        graph.Input(InputIds, DataType.Int64, "batch_size", "sequence_length");
        graph.Input(AttentionMask, DataType.Int64, "batch_size", "total_sequence_length");
        for (var i = 0; i < shape.Layers; i++)
        {
            graph.Input(PastKey(i), DataType.Float, "batch_size", shape.KvHeads, "past_sequence_length", hd);
            graph.Input(PastValue(i), DataType.Float, "batch_size", shape.KvHeads, "past_sequence_length", hd);
        }

        graph.Output(Logits, DataType.Float, "batch_size", "sequence_length", shape.VocabSize);
        for (var i = 0; i < shape.Layers; i++)
        {
            graph.Output(PresentKey(i), DataType.Float, "batch_size", shape.KvHeads, "total_sequence_length", hd);
            graph.Output(PresentValue(i), DataType.Float, "batch_size", shape.KvHeads, "total_sequence_length", hd);
        }

        // Per-row lengths for GroupQueryAttention: seqlens_k = sum(mask) - 1, total_sequence_length = mask width.
        var one = graph.Int64Initializer("one_i64", [1]);
        var axis1 = graph.Int64Initializer("axes_1", [1], 1);
        var index1 = graph.Int64Initializer("index_1", [1]);
        var maskSum = graph.Node("ReduceSum", "attn_mask_reformat/ReduceSum", [AttentionMask, axis1], 1, "", Int("keepdims", 0))[0];
        var lengths = graph.Node("Sub", "attn_mask_reformat/Sub", [maskSum, one], 1)[0];
        var seqlensK = graph.Node("Cast", "attn_mask_reformat/seqlens_k", [lengths], 1, "", Int("to", (long)DataType.Int32))[0];
        var maskShape = graph.Node("Shape", "attn_mask_reformat/Shape", [AttentionMask], 1)[0];
        var total = graph.Node("Gather", "attn_mask_reformat/Gather", [maskShape, index1], 1, "", Int("axis", 0))[0];
        var totalLength = graph.Node("Cast", "attn_mask_reformat/total_seq_len", [total], 1, "", Int("to", (long)DataType.Int32))[0];
        var (cos, sin) = RotaryCaches(graph, shape);

        var embedding = GgufMatrix.Read(file, "token_embd.weight", shape.VocabSize, shape.Hidden);
        var embeddingTable = graph.FloatInitializer("model.embed_tokens.weight", embedding.ToFloats(), shape.VocabSize, shape.Hidden);
        var x = graph.Node("Gather", "model/embed_tokens/Gather", [embeddingTable, InputIds], 1, "", Int("axis", 0))[0];

        string? residual = null;
        var pending = x;
        for (var i = 0; i < shape.Layers; i++)
        {
            var p = $"blk.{i}.";
            var prefix = $"model.layers.{i}";
            var (normed, sum) = Norm(graph, $"{prefix}/input_layernorm", pending, residual,
                GgufMatrix.ReadVector(file, p + "attn_norm.weight", shape.Hidden), shape.RmsEpsilon);
            residual = sum;

            var q = linear.Apply($"{prefix}.attn.q_proj", normed,
                pad.PadRows(GgufMatrix.Read(file, p + "attn_q.weight", shape.Heads * shape.HeadDim, shape.Hidden), shape.Heads, rotated: true),
                pad.PadBias(GgufMatrix.ReadOptionalVector(file, p + "attn_q.bias", shape.Heads * shape.HeadDim), shape.Heads, rotated: true));
            var k = linear.Apply($"{prefix}.attn.k_proj", normed,
                pad.PadRows(GgufMatrix.Read(file, p + "attn_k.weight", shape.KvHeads * shape.HeadDim, shape.Hidden), shape.KvHeads, rotated: true),
                pad.PadBias(GgufMatrix.ReadOptionalVector(file, p + "attn_k.bias", shape.KvHeads * shape.HeadDim), shape.KvHeads, rotated: true));
            var v = linear.Apply($"{prefix}.attn.v_proj", normed,
                pad.PadRows(GgufMatrix.Read(file, p + "attn_v.weight", shape.KvHeads * shape.HeadDim, shape.Hidden), shape.KvHeads, rotated: false),
                pad.PadBias(GgufMatrix.ReadOptionalVector(file, p + "attn_v.bias", shape.KvHeads * shape.HeadDim), shape.KvHeads, rotated: false));

            var attention = $"{prefix}/attn/GroupQueryAttention";
            graph.NodeWithOutputs("GroupQueryAttention", attention,
                [q, k, v, PastKey(i), PastValue(i), seqlensK, totalLength, cos, sin],
                [attention + "/output_0", PresentKey(i), PresentValue(i)], MicrosoftDomain,
                Int("num_heads", shape.Heads),
                Int("kv_num_heads", shape.KvHeads),
                Int("do_rotary", 1),
                Int("rotary_interleaved", shape.RopeInterleaved ? 1 : 0),
                Float("scale", 1f / MathF.Sqrt(shape.HeadDim)));
            var o = linear.Apply($"{prefix}.attn.o_proj", attention + "/output_0",
                pad.PadColumns(GgufMatrix.Read(file, p + "attn_output.weight", shape.Hidden, shape.Heads * shape.HeadDim), shape.Heads));

            var (ffnIn, ffnResidual) = Norm(graph, $"{prefix}/post_attention_layernorm", o, residual,
                GgufMatrix.ReadVector(file, p + "ffn_norm.weight", shape.Hidden), shape.RmsEpsilon);
            residual = ffnResidual;
            var gate = linear.Apply($"{prefix}.mlp.gate_proj", ffnIn, GgufMatrix.Read(file, p + "ffn_gate.weight", shape.FeedForward, shape.Hidden));
            var up = linear.Apply($"{prefix}.mlp.up_proj", ffnIn, GgufMatrix.Read(file, p + "ffn_up.weight", shape.FeedForward, shape.Hidden));
            var sigmoid = graph.Node("Sigmoid", $"{prefix}/mlp/act_fn/Sigmoid", [gate], 1)[0];
            var silu = graph.Node("Mul", $"{prefix}/mlp/act_fn/Mul", [gate, sigmoid], 1)[0];
            var product = graph.Node("Mul", $"{prefix}/mlp/Mul", [silu, up], 1)[0];
            pending = linear.Apply($"{prefix}.mlp.down_proj", product, GgufMatrix.Read(file, p + "ffn_down.weight", shape.Hidden, shape.FeedForward));
        }

        var (final, _) = Norm(graph, "model/norm", pending, residual,
            GgufMatrix.ReadVector(file, "output_norm.weight", shape.Hidden), shape.RmsEpsilon);
        var head = file.TryGetTensor("output.weight", out _) ? GgufMatrix.Read(file, "output.weight", shape.VocabSize, shape.Hidden) : embedding;
        var logits = linear.Apply("lm_head", final, head);
        graph.NodeWithOutputs("Identity", "lm_head/logits", [logits], [Logits]);

        var model = new ModelProto
        {
            IrVersion = 10,
            ProducerName = "llm-gateway export-onnx",
            Graph = graph.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 21 });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });
        return model;
    }

    /// <summary>
    /// RMS norm of <paramref name="input"/>; after the first layer the residual add is fused into it
    /// (SkipSimplifiedLayerNormalization: output 0 the normed sum, output 3 the sum itself, the next residual).
    /// </summary>
    private static (string Normed, string Sum) Norm(GraphBuilder graph, string name, string input, string? residual, float[] weight, float epsilon)
    {
        var gamma = graph.FloatInitializer(name + ".weight", weight, weight.Length);
        if (residual is null)
        {
            var normed = graph.Node("SimplifiedLayerNormalization", name + "/SimplifiedLayerNormalization", [input, gamma], 1, "",
                Int("axis", -1), Float("epsilon", epsilon), Int("stash_type", 1))[0];
            return (normed, input);
        }

        var node = name + "/SkipSimplifiedLayerNorm";
        graph.NodeWithOutputs("SkipSimplifiedLayerNormalization", node, [input, residual, gamma],
            [node + "/output_0", "", "", node + "/output_3"], MicrosoftDomain, Float("epsilon", epsilon));
        return (node + "/output_0", node + "/output_3");
    }

    /// <summary>cos/sin [context, paddedHead/2]; pairs that only hold padding rotate by nothing.</summary>
    private static (string Cos, string Sin) RotaryCaches(GraphBuilder graph, DecoderShape shape)
    {
        var half = shape.PaddedHeadDim / 2;
        var cos = new float[(long)shape.ContextLength * half];
        var sin = new float[(long)shape.ContextLength * half];
        for (var pos = 0; pos < shape.ContextLength; pos++)
        {
            for (var j = 0; j < half; j++)
            {
                // Pair j of the padded head rotates real pair j (interleaved) or real dims (j, j + head/2) (NeoX).
                var real = j < shape.HeadDim / 2;
                var angle = real ? pos * (double)shape.RopeScale * Math.Pow(shape.RopeBase, -2.0 * j / shape.HeadDim) : 0.0;
                cos[(pos * half) + j] = (float)Math.Cos(angle);
                sin[(pos * half) + j] = (float)Math.Sin(angle);
            }
        }

        return (graph.FloatInitializer("cos_cache", cos, shape.ContextLength, half),
            graph.FloatInitializer("sin_cache", sin, shape.ContextLength, half));
    }
}
