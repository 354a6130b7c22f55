using Gateway.Inference;

namespace Gateway.Serving.Tests.TestDoubles;

/// <summary>
/// A hashing runner whose every forward pass "takes" a known time on a <see cref="ManualClock"/>: a fixed cost plus a
/// cost per token, as a CPU forward pass roughly does. Nothing sleeps; the loop just reads the clock around it.
/// </summary>
internal sealed class TimedRunner(ManualClock clock, double fixedSeconds, double perTokenSeconds, int blockSize = 16, int blockCount = 256)
    : HashingRunner(TestTokenizer.Letters(eosEndsGeneration: false), blockSize, blockCount)
{
    public double StepSeconds(int tokens) => fixedSeconds + (perTokenSeconds * tokens);

    protected override void BeforeForward(ReadOnlySpan<SequenceChunk> chunks)
    {
        var tokens = 0;
        foreach (var chunk in chunks)
        {
            tokens += chunk.Tokens.Length;
        }

        clock.Advance(StepSeconds(tokens));
    }
}
