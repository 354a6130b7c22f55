using System.Text.Json;

namespace Gateway.ChatTemplates.Tests;

/// <summary>Host values passed as extra variables (tools, flags) reach the template as Jinja values.</summary>
public sealed class ExtraVariableTests
{
    [Fact]
    public void Json_elements_become_dicts_and_lists()
    {
        var tools = JsonDocument.Parse("""[{"type":"function","function":{"name":"get_weather","parameters":{"n":1,"f":1.5,"ok":true,"z":null}}}]""").RootElement;
        var template = ChatTemplate.Parse("{{ tools[0].function.name }}|{{ tools | tojson }}|{{ tools[0].function.parameters.n + 1 }}");

        string actual = template.Render([], false, "", "", new Dictionary<string, object?> { ["tools"] = tools });

        Assert.Equal(
            """get_weather|[{"type": "function", "function": {"name": "get_weather", "parameters": {"n": 1, "f": 1.5, "ok": true, "z": null}}}]|2""",
            actual);
    }

    [Fact]
    public void Clr_values_become_python_like_values()
    {
        var extras = new Dictionary<string, object?>
        {
            ["enable_thinking"] = false,
            ["count"] = 3,
            ["ratio"] = 0.5f,
            ["names"] = new List<string> { "a", "b" },
            ["meta"] = new Dictionary<string, object?> { ["k"] = new[] { 1, 2 } },
            ["missing"] = null,
        };
        var template = ChatTemplate.Parse(
            "{{ enable_thinking }}|{{ count * 2 }}|{{ ratio }}|{{ names | join('+') }}|{{ meta.k[1] }}|{{ missing is none }}|{{ missing is defined }}");

        string actual = template.Render([], false, "", "", extras);

        Assert.Equal("False|6|0.5|a+b|2|True|True", actual);
    }

    [Fact]
    public void Extra_variables_cannot_replace_the_conversation()
    {
        var template = ChatTemplate.Parse("{{ messages | length }}{{ add_generation_prompt }}");

        string actual = template.Render([new("user", "hi")], true, "", "", new Dictionary<string, object?> { ["messages"] = "spoofed", ["add_generation_prompt"] = false });

        Assert.Equal("1True", actual);
    }
}
