using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpikeReplay.Scenarios;

/// <summary>Reads and validates scenario JSON. Unknown members are errors: a typo in a rate must not silently run defaults.</summary>
internal static class ScenarioLoader
{
    private static readonly JsonSerializerOptions s_options = new()
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static Scenario LoadFile(string path)
    {
        return Parse(File.ReadAllText(path));
    }

    public static Scenario Parse(string json)
    {
        Scenario? scenario;
        try
        {
            scenario = JsonSerializer.Deserialize<Scenario>(json, s_options);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Scenario JSON is invalid: {ex.Message}", ex);
        }

        if (scenario is null)
        {
            throw new FormatException("Scenario JSON is empty.");
        }

        Validate(scenario);
        return scenario;
    }

    private static void Validate(Scenario scenario)
    {
        if (scenario.Phases.Count == 0)
        {
            throw new FormatException("A scenario needs at least one phase.");
        }

        if (scenario.Api is not ("completions" or "chat"))
        {
            throw new FormatException($"\"api\" must be \"completions\" or \"chat\", not \"{scenario.Api}\".");
        }

        scenario.PromptTokens.Validate("prompt_tokens");
        scenario.OutputTokens.Validate("output_tokens");
        scenario.Limits.Validate();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var phase in scenario.Phases)
        {
            if (string.IsNullOrWhiteSpace(phase.Name) || !names.Add(phase.Name))
            {
                throw new FormatException($"Phase names must be non-empty and unique (\"{phase.Name}\").");
            }

            if (!(phase.DurationSeconds > 0))
            {
                throw new FormatException($"Phase \"{phase.Name}\" needs duration_s > 0.");
            }

            var hasRamp = phase.Ramp is not null;
            if (hasRamp == (phase.Rate is not null))
            {
                throw new FormatException($"Phase \"{phase.Name}\" needs exactly one of \"rate\" or \"ramp\".");
            }

            if (hasRamp && (phase.Ramp!.From is null || phase.Ramp.To is null))
            {
                throw new FormatException($"Phase \"{phase.Name}\": a ramp needs \"from\" and \"to\".");
            }
        }
    }
}
