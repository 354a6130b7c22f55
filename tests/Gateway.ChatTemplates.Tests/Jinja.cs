namespace Gateway.ChatTemplates.Tests;

/// <summary>Renders template snippets against a fixed set of variables, for the language-feature tests.</summary>
internal static class Jinja
{
    public static readonly ChatMessage[] Messages =
    [
        new("system", "You are a helpful assistant"),
        new("user", "Hello"),
        new("assistant", "Hi there"),
        new("user", "Who are you"),
    ];

    public static IReadOnlyDictionary<string, object?> Variables { get; } = new Dictionary<string, object?>
    {
        ["x"] = 5,
        ["items"] = new[] { 1, 2, 3 },
        ["d"] = new Dictionary<string, object?> { ["a"] = 1, ["b"] = 2 },
        ["s"] = "  Hi There  ",
    };

    public static string Render(string template) =>
        ChatTemplate.Parse(template).Render(Messages, addGenerationPrompt: true, "<s>", "</s>", Variables);
}
