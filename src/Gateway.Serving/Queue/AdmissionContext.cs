using Gateway.Serving.Diagnostics;

namespace Gateway.Serving.Queue;

/// <summary>What an admission policy knows about a new request and the work ahead of it.</summary>
/// <param name="PromptTokens">The new request's prompt length.</param>
/// <param name="QueuedPromptTokens">Prompt tokens of accepted requests not yet fully prefilled.</param>
/// <param name="WaitingRequests">Accepted requests not yet fully prefilled.</param>
/// <param name="Throughput">The engine's recent measured throughput.</param>
internal readonly record struct AdmissionContext(int PromptTokens, long QueuedPromptTokens, int WaitingRequests, ThroughputEstimate Throughput);
