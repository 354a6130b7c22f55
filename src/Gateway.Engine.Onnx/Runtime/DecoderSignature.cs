using Gateway.Gguf;
using Gateway.Inference;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Gateway.Engine.Onnx.Runtime;

/// <summary>
/// Checks that the decoder's inputs and outputs are the ones genai_config.json names, with the KV shape it states,
/// so a folder whose graph and config disagree fails at start-up naming the tensor, not at the first request.
/// </summary>
internal static class DecoderSignature
{
    /// <summary>Returns whether the graph takes position_ids (builder graphs whose attention does not rotate itself).</summary>
    public static bool Validate(InferenceSession session, GenAiModelConfig config)
    {
        var inputs = session.InputMetadata;
        var outputs = session.OutputMetadata;
        var path = config.DecoderPath;
        Require(inputs, config.InputIdsName, TensorElementType.Int64, 2, path, "input");
        Require(inputs, config.AttentionMaskName, TensorElementType.Int64, 2, path, "input");
        var logits = Require(outputs, config.LogitsName, TensorElementType.Float, 3, path, "output");
        if (logits.Dimensions[2] > 0 && logits.Dimensions[2] != config.VocabSize)
        {
            throw new ModelLoadException(path, $"output '{config.LogitsName}' has {logits.Dimensions[2]} logits per token, genai_config.json says vocab_size {config.VocabSize}");
        }

        var known = new HashSet<string>(StringComparer.Ordinal) { config.InputIdsName, config.AttentionMaskName };
        for (var layer = 0; layer < config.Layers; layer++)
        {
            foreach (var (name, table, kind) in new[]
            {
                (config.PastKey(layer), inputs, "input"), (config.PastValue(layer), inputs, "input"),
                (config.PresentKey(layer), outputs, "output"), (config.PresentValue(layer), outputs, "output"),
            })
            {
                var meta = Require(table, name, TensorElementType.Float, 4, path, kind);
                if ((meta.Dimensions[1] > 0 && meta.Dimensions[1] != config.KvHeads) || (meta.Dimensions[3] > 0 && meta.Dimensions[3] != config.HeadSize))
                {
                    throw new ModelLoadException(path,
                        $"{kind} '{name}' has shape [{string.Join(", ", meta.Dimensions)}], genai_config.json says {config.KvHeads} KV heads of size {config.HeadSize}");
                }

                known.Add(name);
            }
        }

        var positions = config.PositionIdsName ?? "position_ids";
        var hasPositions = inputs.ContainsKey(positions);
        if (hasPositions)
        {
            Require(inputs, positions, TensorElementType.Int64, 2, path, "input");
            known.Add(positions);
        }

        foreach (var name in inputs.Keys)
        {
            if (!known.Contains(name))
            {
                throw new ModelLoadException(path, $"decoder input '{name}' is not one this runner feeds (input_ids, attention_mask, position_ids, past key/values)");
            }
        }

        if (outputs.Count != (2 * config.Layers) + 1)
        {
            throw new ModelLoadException(path, $"decoder has {outputs.Count} outputs, expected logits and {2 * config.Layers} present key/values");
        }

        return hasPositions;
    }

    private static NodeMetadata Require(IReadOnlyDictionary<string, NodeMetadata> table, string name, TensorElementType type, int rank, string path, string kind)
    {
        if (!table.TryGetValue(name, out var meta))
        {
            throw new ModelLoadException(path, $"decoder has no {kind} '{name}' (named by genai_config.json)");
        }

        if (!meta.IsTensor || meta.ElementDataType != type || meta.Dimensions.Length != rank)
        {
            throw new ModelLoadException(path,
                $"{kind} '{name}' is {meta.ElementDataType} of rank {meta.Dimensions.Length}, expected {type} of rank {rank}" +
                (type == TensorElementType.Float && meta.ElementDataType == TensorElementType.Float16 ? " (fp16 models need the CUDA build; export with --precision int4 or fp32 for CPU)" : ""));
        }

        return meta;
    }
}
