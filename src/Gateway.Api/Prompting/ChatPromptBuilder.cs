using Gateway.ChatTemplates;
using Gateway.OpenAi;
using Gateway.Serving;
using Microsoft.Extensions.Logging;

namespace Gateway.Api.Prompting;

/// <summary>
/// Renders chat messages with the model's own <c>tokenizer.chat_template</c> (parsed once) and tokenizes the result.
/// Models without a usable template fall back to ChatML, which is what most small instruct models were tuned on.
/// </summary>
public sealed partial class ChatPromptBuilder
{
    private readonly IGenerationService _service;
    private readonly ILogger<ChatPromptBuilder> _logger;
    private readonly Lazy<ChatTemplate> _template;

    public ChatPromptBuilder(IGenerationService service, ILogger<ChatPromptBuilder> logger)
    {
        _service = service;
        _logger = logger;
        _template = new Lazy<ChatTemplate>(() => LoadTemplate(service, logger));
    }

    /// <summary>The rendered prompt text (before tokenization), for diagnostics and tests.</summary>
    public string Render(IReadOnlyList<ChatMessage> messages)
    {
        var tokenizer = _service.Tokenizer;
        var bos = tokenizer.BosId >= 0 ? tokenizer.TokenText(tokenizer.BosId) : string.Empty;
        var eos = tokenizer.EosId >= 0 ? tokenizer.TokenText(tokenizer.EosId) : string.Empty;
        try
        {
            return _template.Value.Render(messages, addGenerationPrompt: true, bos, eos);
        }
        catch (ChatTemplateException ex)
        {
            // The template rejected or could not render these messages: raise_exception (roles that do not alternate),
            // or a variable the template needs and this request does not give (Jinja2's "'functions' is undefined").
            // Either way it is this request's conversation that failed, so the client is told why; never a 500.
            if (!ex.IsRaisedByTemplate)
            {
                // Logged (not as an error): a template that cannot render ordinary conversations is worth knowing about.
                Log.RenderFailed(_logger, _service.Model.Name, ex.Message);
            }

            throw new OpenAiRequestException(400, ex.Message, OpenAiErrorTypes.InvalidRequest, "messages", "invalid_messages");
        }
    }

    public int[] Build(IReadOnlyList<ChatMessage> messages)
    {
        var tokenizer = _service.Tokenizer;
        var text = Render(messages);
        // Templates such as Llama-2's write the BOS text themselves; adding another would shift the model off-distribution.
        var bosText = tokenizer.BosId >= 0 ? tokenizer.TokenText(tokenizer.BosId) : null;
        var addBos = tokenizer.AddBos && !(bosText is { Length: > 0 } && text.StartsWith(bosText, StringComparison.Ordinal));
        return tokenizer.Encode(text, addBos, parseSpecial: true);
    }

    private static ChatTemplate LoadTemplate(IGenerationService service, ILogger logger)
    {
        var source = service.Model.ChatTemplate;
        if (string.IsNullOrWhiteSpace(source))
        {
            Log.NoTemplate(logger, service.Model.Name);
            return ChatTemplate.Fallback;
        }

        try
        {
            return ChatTemplate.Parse(source);
        }
        catch (ChatTemplateException ex)
        {
            Log.TemplateUnusable(logger, service.Model.Name, ex.Message);
            return ChatTemplate.Fallback;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = ApiEventIds.NoChatTemplate, EventName = "NoTemplate", Level = LogLevel.Information, Message = "Model {Model} has no chat template; using ChatML")]
        public static partial void NoTemplate(ILogger logger, string model);

        [LoggerMessage(EventId = ApiEventIds.ChatTemplateRenderFailed, EventName = "ChatTemplateRenderFailed", Level = LogLevel.Information, Message = "Chat template of model {Model} could not render a request's messages: {Problem}")]
        public static partial void RenderFailed(ILogger logger, string model, string problem);

        [LoggerMessage(EventId = ApiEventIds.ChatTemplateUnusable, EventName = "TemplateUnusable", Level = LogLevel.Warning, Message = "Chat template of model {Model} cannot be used ({Problem}); using ChatML")]
        public static partial void TemplateUnusable(ILogger logger, string model, string problem);
    }
}
