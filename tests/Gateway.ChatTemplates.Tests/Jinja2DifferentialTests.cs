using System.Text.Json;

namespace Gateway.ChatTemplates.Tests;

/// <summary>
/// Tool-calling and feature-heavy templates rendered with extra variables (tools as JSON, flags), compared with the
/// output Python Jinja2 produced for the same inputs (see Data/SOURCES.md).
/// </summary>
public sealed class Jinja2DifferentialTests
{
    private static readonly Lazy<JsonElement[]> Cases = new(() =>
        JsonDocument.Parse(TemplateData.Read("jinja2-differential-cases.json")).RootElement.EnumerateArray().ToArray());

    public static TheoryData<int> CaseIndexes()
    {
        var indexes = new TheoryData<int>();
        for (int i = 0; i < Cases.Value.Length; i++)
        {
            indexes.Add(i);
        }

        return indexes;
    }

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public void Renders_exactly_as_Python_Jinja2(int index)
    {
        var testCase = Cases.Value[index];
        var template = ChatTemplate.Parse(TemplateData.Read(testCase.GetProperty("template").GetString()!), new PinnedClock());
        var messages = testCase.GetProperty("messages").EnumerateArray()
            .Select(m => new ChatMessage(m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!))
            .ToList();
        var extras = testCase.GetProperty("extras").EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value);

        string actual = template.Render(
            messages,
            testCase.GetProperty("add_generation_prompt").GetBoolean(),
            testCase.GetProperty("bos").GetString()!,
            testCase.GetProperty("eos").GetString()!,
            extras);

        Assert.Equal(testCase.GetProperty("expected").GetString(), actual);
    }

    /// <summary>The instant the reference outputs were produced with, in UTC.</summary>
    private sealed class PinnedClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2024, 7, 26, 9, 5, 3, TimeSpan.Zero);

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
    }
}
