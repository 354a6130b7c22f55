using System.Text;

namespace Gateway.ChatTemplates;

/// <summary>
/// A parsed Hugging Face chat template (the Jinja2 string GGUF models carry as <c>tokenizer.chat_template</c>).
/// Parse once per model, render per request. Rendering follows transformers' <c>apply_chat_template</c>:
/// Jinja2 with <c>trim_blocks</c> and <c>lstrip_blocks</c>, the loop controls extension, and the globals
/// <c>raise_exception</c> and <c>strftime_now</c>. Templates are data, not code: the interpreter has no access to
/// anything but the variables passed in.
/// </summary>
public sealed class ChatTemplate
{
    /// <summary>
    /// ChatML, used for models that ship no template:
    /// <c>&lt;|im_start|&gt;{role}\n{content}&lt;|im_end|&gt;\n</c> per message, then <c>&lt;|im_start|&gt;assistant\n</c>
    /// when a generation prompt is requested.
    /// </summary>
    public const string FallbackSource =
        "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}"
        + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private static readonly Lazy<ChatTemplate> FallbackTemplate = new(() => Parse(FallbackSource));

    private readonly string _source;
    private readonly IReadOnlyList<Statement> _body;
    private readonly TimeProvider _timeProvider;

    private ChatTemplate(string source, IReadOnlyList<Statement> body, TimeProvider timeProvider)
    {
        _source = source;
        _body = body;
        _timeProvider = timeProvider;
    }

    /// <summary>The ChatML template (<see cref="FallbackSource"/>) for models without <c>tokenizer.chat_template</c>.</summary>
    public static ChatTemplate Fallback => FallbackTemplate.Value;

    /// <summary>Parses a template; a syntax error or an unknown filter or test throws <see cref="ChatTemplateException"/>.</summary>
    public static ChatTemplate Parse(string source) => Parse(source, TimeProvider.System);

    /// <summary>Parses with a clock for <c>strftime_now</c>, so tests can pin the date.</summary>
    internal static ChatTemplate Parse(string source, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(timeProvider);
        string normalized = TemplateLexer.Normalize(source);
        try
        {
            var body = TemplateParser.Parse(TemplateLexer.Tokenize(normalized));
            return new ChatTemplate(normalized, body, timeProvider);
        }
        catch (TemplateError error)
        {
            throw ChatTemplateException.At(normalized, error.Offset, error.Message);
        }
        catch (Exception error) when (IsInterpreterFault(error))
        {
            throw new ChatTemplateException($"Template could not be parsed: {error.Message}", error);
        }
    }

    /// <summary>
    /// Renders the conversation into a prompt. <paramref name="extraVariables"/> adds template variables such as
    /// <c>tools</c> or <c>enable_thinking</c>; values may be CLR primitives, collections, dictionaries or
    /// <see cref="System.Text.Json.JsonElement"/>s. Throws <see cref="ChatTemplateException"/> for render errors and
    /// for the template's own <c>raise_exception</c> calls.
    /// </summary>
    public string Render(
        IReadOnlyList<ChatMessage> messages,
        bool addGenerationPrompt,
        string bosToken,
        string eosToken,
        IReadOnlyDictionary<string, object?>? extraVariables = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var scope = new Scope(null);
        if (extraVariables is not null)
        {
            foreach (var (name, value) in extraVariables)
            {
                scope.Set(name, TemplateValues.FromHost(value));
            }
        }

        var messageList = new List<object?>(messages.Count);
        foreach (var message in messages)
        {
            messageList.Add(TemplateValues.FromMessage(message));
        }

        scope.Set("messages", messageList);
        scope.Set("add_generation_prompt", addGenerationPrompt);
        scope.Set("bos_token", bosToken ?? string.Empty);
        scope.Set("eos_token", eosToken ?? string.Empty);

        var context = new RenderContext(new StringBuilder(EstimateLength(messages)), scope, _timeProvider);
        try
        {
            Statement.ExecuteAll(_body, context);
        }
        catch (TemplateError error)
        {
            throw ChatTemplateException.At(_source, error.Offset, error.Message);
        }
        catch (Exception error) when (IsInterpreterFault(error))
        {
            throw new ChatTemplateException($"Template could not be rendered: {error.Message}", error);
        }

        return context.Output.ToString();
    }

    /// <summary>
    /// Failures that a hostile or unusual template can provoke inside the interpreter (overflowing arithmetic,
    /// exhausting the stack). They surface as <see cref="ChatTemplateException"/> so callers handle one type.
    /// </summary>
    private static bool IsInterpreterFault(Exception error) =>
        error is ArithmeticException or InsufficientExecutionStackException or ArgumentException or InvalidOperationException
            or IndexOutOfRangeException or FormatException;

    private static int EstimateLength(IReadOnlyList<ChatMessage> messages)
    {
        int length = 256;
        foreach (var message in messages)
        {
            length += (message.Content?.Length ?? 0) + 32;
        }

        return length;
    }
}
