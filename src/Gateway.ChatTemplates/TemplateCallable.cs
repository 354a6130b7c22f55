namespace Gateway.ChatTemplates;

/// <summary>Something a template can call: a global function or a macro.</summary>
internal abstract class TemplateCallable
{
    public abstract object? Invoke(RenderContext context, List<object?> args, List<KeyValuePair<string, object?>> kwargs, int offset);
}
