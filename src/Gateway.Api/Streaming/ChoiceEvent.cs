using Gateway.Serving;

namespace Gateway.Api.Streaming;

/// <summary>An event of one choice, tagged with the choice's index in the response.</summary>
internal readonly record struct ChoiceEvent(int Index, GenerationEvent Event);
