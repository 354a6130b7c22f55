using System.Text.Json;

namespace Gateway.ChatTemplates.Tests;

/// <summary>
/// Template/input/output triples from huggingface.js's Jinja test suite, whose expected outputs come from Python
/// Jinja2 configured as transformers configures it; they exercise whitespace control, namespace, selectattr,
/// loop.previtem and range in templates real models shipped.
/// </summary>
public sealed class HuggingFaceReferenceCaseTests
{
    private static readonly Lazy<Dictionary<string, JsonElement>> Cases = new(() =>
        JsonDocument.Parse(TemplateData.Read("hf-reference-cases.json")).RootElement.EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c));

    public static TheoryData<string> CaseNames()
    {
        var names = new TheoryData<string>();
        foreach (var name in Cases.Value.Keys)
        {
            names.Add(name);
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Renders_exactly_as_Python_Jinja2(string name)
    {
        var testCase = Cases.Value[name];
        var messages = testCase.GetProperty("messages").EnumerateArray()
            .Select(m => new ChatMessage(m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!))
            .ToList();

        string actual = ChatTemplate.Parse(testCase.GetProperty("template").GetString()!).Render(
            messages,
            testCase.GetProperty("add_generation_prompt").GetBoolean(),
            testCase.GetProperty("bos_token").GetString()!,
            testCase.GetProperty("eos_token").GetString()!);

        Assert.Equal(testCase.GetProperty("expected").GetString(), actual);
    }

    [Fact]
    public void All_reference_cases_are_loaded()
    {
        Assert.Equal(14, Cases.Value.Count);
    }
}
