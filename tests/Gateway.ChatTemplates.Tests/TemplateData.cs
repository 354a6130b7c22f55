using System.Reflection;

namespace Gateway.ChatTemplates.Tests;

/// <summary>Loads the real templates embedded from Templates/Data (see SOURCES.md there for provenance).</summary>
internal static class TemplateData
{
    public static string Read(string fileName)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Templates/" + fileName)
            ?? throw new InvalidOperationException($"Embedded template '{fileName}' not found");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static ChatTemplate Load(string fileName) => ChatTemplate.Parse(Read(fileName));

    /// <summary>The conversation every real-template test renders; the assistant turn carries padding to show strip/trim.</summary>
    public static readonly ChatMessage[] Conversation =
    [
        new("system", "You are a helpful assistant"),
        new("user", "Hello"),
        new("assistant", "  Hi there  "),
        new("user", "Who are you"),
    ];

    public static readonly ChatMessage[] ConversationWithoutSystem = Conversation[1..];
}
