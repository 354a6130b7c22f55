using System.Text;
using Gateway.Sampling;
using Gateway.Serving;

namespace Gateway.Api.Streaming;

/// <summary>Everything one choice produced, gathered for a non-streamed response.</summary>
internal sealed class CollectedChoice
{
    public StringBuilder Text { get; } = new();

    public List<SampledToken> Tokens { get; } = [];

    public FinishReason? Finish { get; set; }

    public GenerationUsage? Usage { get; set; }

    public string? Error { get; set; }
}
