using Gateway.Inference;

namespace Gateway.Serving.Tests.TestDoubles;

/// <summary>
/// Deterministic "model": the logits are a hash of every (position, token) it read back from the KV slots, so any change
/// anywhere in the cached context gives a different next token.
/// </summary>
internal class HashingRunner(ITokenizer tokenizer, int blockSize, int blockCount, int maxBatchTokens = 4096, int contextLength = 1024)
    : PagedFakeRunner(tokenizer, blockSize, blockCount, maxBatchTokens, contextLength)
{
    protected override void ComputeLogits(ReadOnlySpan<int> sequence, Span<float> logits)
    {
        var h = 0x9E3779B97F4A7C15UL;
        for (var pos = 0; pos < sequence.Length; pos++)
        {
            h = Mix(h ^ ((ulong)pos << 32) ^ (uint)sequence[pos]);
        }

        for (var v = 0; v < logits.Length; v++)
        {
            logits[v] = (Mix(h + (ulong)v) >> 40) % 1000 / 100f;
        }
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
