using Gateway.OpenAi;
using Gateway.Serving;

namespace Gateway.Api.Streaming;

/// <summary>
/// Sums usage over choices as OpenAI does: each prompt counts once however many choices share it (they do share it,
/// through the prefix cache), completion tokens add up.
/// </summary>
internal static class UsageCalculator
{
    public static Usage Sum(IReadOnlyList<GenerationUsage?> perChoice, int choicesPerPrompt)
    {
        var prompt = 0;
        var completion = 0;
        var cached = 0;
        for (var i = 0; i < perChoice.Count; i++)
        {
            var usage = perChoice[i];
            if (usage is null)
            {
                continue;
            }

            completion += usage.CompletionTokens;
            if (i % choicesPerPrompt == 0)
            {
                prompt += usage.PromptTokens;
                cached += usage.CachedPromptTokens;
            }
        }

        return new Usage(prompt, completion, prompt + completion, new PromptTokensDetails(cached));
    }

    public static string? FinishReasonText(FinishReason? reason) => reason switch
    {
        FinishReason.Stop => "stop",
        FinishReason.Length => "length",
        _ => null,
    };
}
