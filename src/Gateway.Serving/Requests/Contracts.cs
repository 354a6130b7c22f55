// Interim copy of the serving contract (the serving branch owns these; replaced on merge).
using System.Threading.Channels;
using Gateway.Engine.Models;
using Gateway.Engine.Sampling;
using Gateway.Engine.Vocab;
namespace Gateway.Serving;
public sealed record GenerationRequest(string RequestId, int[] PromptTokens, SamplingParams Sampling, int MaxTokens,
    IReadOnlyList<string> StopSequences, int Priority = 0, string Tenant = "anonymous");
public interface IGenerationService
{
    ModelInfo Model { get; }
    ITokenizer Tokenizer { get; }
    SubmitResult Submit(GenerationRequest request, CancellationToken cancellationToken);
}
public sealed record SubmitResult(GenerationStream? Stream, RefusalReason Refusal, TimeSpan RetryAfter);
public enum RefusalReason { None, QueueFull, PromptTooLong, SloWouldBreak, ShuttingDown }
public sealed class GenerationStream { public GenerationStream(string id, ChannelReader<GenerationEvent> events) { RequestId = id; Events = events; } public string RequestId { get; } public ChannelReader<GenerationEvent> Events { get; } }
public sealed record GenerationEvent(string Text, int[] TokenIds, SampledToken[] Tokens, FinishReason? Finish, GenerationUsage? Usage, string? Error);
public enum FinishReason { Stop, Length, Cancelled, Error }
public sealed record GenerationUsage(int PromptTokens, int CompletionTokens, int CachedPromptTokens);
