using System.Runtime.CompilerServices;

namespace Gateway.ChatTemplates;

/// <summary>A macro defined by <c>{% macro %}</c>; calling it renders its body and returns the text.</summary>
internal sealed class MacroValue(
    string name,
    IReadOnlyList<string> parameters,
    IReadOnlyList<Expression?> defaults,
    IReadOnlyList<Statement> body,
    Scope definitionScope)
{
    private const int MaxCallDepth = 64;

    public object? Invoke(
        RenderContext context,
        List<object?> args,
        List<KeyValuePair<string, object?>> kwargs,
        int offset,
        IReadOnlyList<Statement>? callerBody)
    {
        if (args.Count > parameters.Count)
        {
            throw new TemplateError(offset, $"macro '{name}' takes at most {parameters.Count} arguments ({args.Count} given)");
        }

        RuntimeHelpers.EnsureSufficientExecutionStack();
        if (context.CallDepth >= MaxCallDepth)
        {
            throw new TemplateError(offset, $"macro '{name}' nested more than {MaxCallDepth} calls deep");
        }

        var callerScope = context.Scope;
        var scope = new Scope(definitionScope);
        context.Scope = scope;
        context.CallDepth++;
        try
        {
            for (int i = 0; i < parameters.Count; i++)
            {
                object? value = i < args.Count ? args[i] : Undefined.Instance;
                if (i >= args.Count)
                {
                    int named = kwargs.FindIndex(kv => kv.Key == parameters[i]);
                    if (named >= 0)
                    {
                        value = kwargs[named].Value;
                    }
                    else if (defaults[i] is { } fallback)
                    {
                        value = fallback.Evaluate(context);
                    }
                }

                scope.Set(parameters[i], value);
            }

            if (callerBody is not null)
            {
                scope.Set("caller", new CallerFunction(callerBody, callerScope));
            }

            return context.Capture(body);
        }
        finally
        {
            context.CallDepth--;
            context.Scope = callerScope;
        }
    }

    /// <summary><c>caller()</c> inside a macro invoked by <c>{% call %}</c>: renders the call block in the caller's scope.</summary>
    private sealed class CallerFunction(IReadOnlyList<Statement> body, Scope scope) : TemplateCallable
    {
        public override object? Invoke(RenderContext context, List<object?> args, List<KeyValuePair<string, object?>> kwargs, int offset)
        {
            var saved = context.Scope;
            context.Scope = new Scope(scope);
            try
            {
                return context.Capture(body);
            }
            finally
            {
                context.Scope = saved;
            }
        }
    }
}
