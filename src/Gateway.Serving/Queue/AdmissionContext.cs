using Gateway.Serving.Diagnostics;

namespace Gateway.Serving.Queue;

/// <summary>What an admission policy knows about a new request and the work ahead of it.</summary>
/// <param name="PromptTokens">The new request's prompt length.</param>
/// <param name="QueuedPromptTokens">Prompt tokens of accepted requests not yet fully prefilled.</param>
/// <param name="WaitingRequests">Accepted requests not yet fully prefilled.</param>
/// <param name="RunningSequences">Sequences in the running batch as of the last step.</param>
/// <param name="PredictedTtftSeconds">
/// The request's time to first token predicted from measured step times (<see cref="TtftPredictor"/>); NaN before
/// any step was measured.
/// </param>
/// <param name="Throughput">The engine's recent measured throughput.</param>
internal readonly record struct AdmissionContext(
    int PromptTokens,
    long QueuedPromptTokens,
    int WaitingRequests,
    int RunningSequences,
    double PredictedTtftSeconds,
    ThroughputEstimate Throughput)
{
    /// <summary>Nothing runs and nothing waits: no amount of waiting would get this request served sooner.</summary>
    public bool ServerIdle => RunningSequences == 0 && QueuedPromptTokens <= 0;

    public bool HasPrediction => !double.IsNaN(PredictedTtftSeconds);
}
