namespace Gateway.ChatTemplates;

/// <summary>One chat turn as the template sees it: <c>message['role']</c> and <c>message['content']</c>.</summary>
public sealed record ChatMessage(string Role, string Content);
