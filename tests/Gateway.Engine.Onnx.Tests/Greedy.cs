using Gateway.Inference;

namespace Gateway.Engine.Onnx.Tests;

/// <summary>Greedy decoding straight on a runner (no scheduler): prefill in one chunk, then one token per step.</summary>
internal static class Greedy
{
    public static int[] Generate(IModelRunner runner, int[] prompt, int count, int[]? blockTable = null)
    {
        var table = blockTable ?? Enumerable.Range(0, runner.KvCache.BlockCount).ToArray();
        var logits = new float[runner.Info.VocabSize];
        runner.Forward([new SequenceChunk(prompt, 0, table, true)], logits);
        var output = new List<int>();
        var position = prompt.Length;
        for (var i = 0; i < count; i++)
        {
            var next = ArgMax(logits);
            output.Add(next);
            if (i == count - 1)
            {
                break;
            }

            runner.Forward([new SequenceChunk(new[] { next }, position++, table, true)], logits);
        }

        return [.. output];
    }

    /// <summary>The text a stream of these tokens shows (the streaming detokenizer, as served responses use).</summary>
    public static string Text(IModelRunner runner, IEnumerable<int> ids)
    {
        var detokenizer = runner.Tokenizer.CreateStreamingDetokenizer();
        return string.Concat(ids.Select(detokenizer.Append)) + detokenizer.Flush();
    }

    public static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
