using Gateway.Serving.Diagnostics;

namespace Gateway.Serving.Queue;

/// <summary>
/// Predicts an arriving request's time to first token by playing the scheduler's budget policy forward over measured
/// step times: every step carries one decode token per running sequence first, and the rest of the token budget goes
/// to prompt chunks, the queued prompts ahead first and then this one. The step already running is, on average, half
/// done. Prompt tokens ahead that a prefix-cache hit will skip are still counted, so the prediction leans long.
/// </summary>
internal sealed class TtftPredictor(StepCostModel stepCost, int tokenBudget)
{
    public int TokenBudget => tokenBudget;

    /// <summary>Predicted seconds until the first token; NaN while no step has been measured.</summary>
    public double Predict(int promptTokens, long queuedPromptTokens, int runningSequences)
    {
        if (!stepCost.HasData)
        {
            return double.NaN;
        }

        var decoders = Math.Min(runningSequences, tokenBudget - 1);
        var prefillPerStep = tokenBudget - decoders;
        var seconds = 0.0;
        if (runningSequences > 0 || queuedPromptTokens > 0)
        {
            var inFlightPrefill = (int)Math.Min(prefillPerStep, Math.Max(queuedPromptTokens, 0));
            seconds += 0.5 * stepCost.StepSeconds(decoders + inFlightPrefill);
        }

        var remaining = Math.Max(queuedPromptTokens, 0) + promptTokens;
        var fullSteps = remaining / prefillPerStep;
        var rest = (int)(remaining % prefillPerStep);
        seconds += fullSteps * stepCost.StepSeconds(decoders + prefillPerStep);
        if (rest > 0)
        {
            seconds += stepCost.StepSeconds(decoders + rest);
        }

        return seconds;
    }
}
