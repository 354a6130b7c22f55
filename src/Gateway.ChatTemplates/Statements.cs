namespace Gateway.ChatTemplates;

/// <summary>How a statement finished: normally, or through <c>break</c>/<c>continue</c> heading for its loop.</summary>
internal enum Flow
{
    Normal,
    Break,
    Continue,
}

/// <summary>A statement node of the parsed template.</summary>
internal abstract class Statement(int offset)
{
    public int Offset { get; } = offset;

    public abstract Flow Execute(RenderContext context);

    public static Flow ExecuteAll(IReadOnlyList<Statement> body, RenderContext context)
    {
        for (int i = 0; i < body.Count; i++)
        {
            Flow flow = body[i].Execute(context);
            if (flow != Flow.Normal)
            {
                return flow;
            }
        }

        return Flow.Normal;
    }
}

internal sealed class TextStatement(int offset, string text) : Statement(offset)
{
    public override Flow Execute(RenderContext context)
    {
        context.Output.Append(text);
        return Flow.Normal;
    }
}

internal sealed class OutputStatement(int offset, Expression expression) : Statement(offset)
{
    public override Flow Execute(RenderContext context)
    {
        TemplateValues.AppendText(context.Output, expression.Evaluate(context));
        return Flow.Normal;
    }
}

internal sealed class IfStatement(int offset, IReadOnlyList<(Expression Condition, IReadOnlyList<Statement> Body)> branches, IReadOnlyList<Statement>? elseBody)
    : Statement(offset)
{
    public override Flow Execute(RenderContext context)
    {
        foreach (var (condition, body) in branches)
        {
            if (TemplateValues.IsTruthy(condition.Evaluate(context)))
            {
                return ExecuteAll(body, context);
            }
        }

        return elseBody is null ? Flow.Normal : ExecuteAll(elseBody, context);
    }
}

internal sealed class ForStatement(
    int offset,
    IReadOnlyList<string> targets,
    Expression iterable,
    Expression? filter,
    IReadOnlyList<Statement> body,
    IReadOnlyList<Statement>? elseBody) : Statement(offset)
{
    public override Flow Execute(RenderContext context)
    {
        var items = TemplateValues.ToList(iterable.Evaluate(context), iterable.Offset);
        var outer = context.Scope;
        try
        {
            if (filter is not null)
            {
                items = FilterItems(items, context, outer);
            }

            if (items.Count == 0)
            {
                context.Scope = new Scope(outer);
                return elseBody is null ? Flow.Normal : ExecuteAll(elseBody, context);
            }

            var loop = new LoopContext(items);
            var scope = new Scope(outer);
            for (int i = 0; i < items.Count; i++)
            {
                // Each iteration starts from an empty frame: in Jinja a `set` in one pass is not visible in the next.
                scope.Clear();
                context.Scope = scope;
                scope.Set("loop", loop);
                loop.Index0 = i;
                Bind(scope, items[i]);
                if (ExecuteAll(body, context) == Flow.Break)
                {
                    break;
                }
            }

            return Flow.Normal;
        }
        finally
        {
            context.Scope = outer;
        }
    }

    /// <summary><c>for x in xs if cond</c> filters before the loop starts, so <c>loop.length</c> counts only kept items.</summary>
    private List<object?> FilterItems(List<object?> items, RenderContext context, Scope outer)
    {
        var scope = new Scope(outer);
        context.Scope = scope;
        var kept = new List<object?>(items.Count);
        foreach (var item in items)
        {
            Bind(scope, item);
            if (TemplateValues.IsTruthy(filter!.Evaluate(context)))
            {
                kept.Add(item);
            }
        }

        context.Scope = outer;
        return kept;
    }

    private void Bind(Scope scope, object? item)
    {
        if (targets.Count == 1)
        {
            scope.Set(targets[0], item);
            return;
        }

        if (item is not List<object?> tuple || tuple.Count != targets.Count)
        {
            throw new TemplateError(Offset, $"Cannot unpack {TemplateValues.TypeName(item)} into {targets.Count} loop variables");
        }

        for (int i = 0; i < targets.Count; i++)
        {
            scope.Set(targets[i], tuple[i]);
        }
    }
}

internal sealed class SetStatement(int offset, IReadOnlyList<string> targets, Expression value) : Statement(offset)
{
    public override Flow Execute(RenderContext context)
    {
        object? result = value.Evaluate(context);
        if (targets.Count == 1)
        {
            context.Scope.Set(targets[0], result);
            return Flow.Normal;
        }

        if (result is not List<object?> tuple || tuple.Count != targets.Count)
        {
            throw new TemplateError(Offset, $"Cannot unpack {TemplateValues.TypeName(result)} into {targets.Count} variables");
        }

        for (int i = 0; i < targets.Count; i++)
        {
            context.Scope.Set(targets[i], tuple[i]);
        }

        return Flow.Normal;
    }
}

/// <summary><c>{% set ns.attr = value %}</c>: the only assignment that reaches outside a loop's scope.</summary>
internal sealed class SetAttributeStatement(int offset, string targetName, string attribute, Expression value) : Statement(offset)
{
    public override Flow Execute(RenderContext context)
    {
        if (!context.Scope.TryGet(targetName, out var target) || target is not NamespaceObject ns)
        {
            throw new TemplateError(Offset, $"Cannot assign attribute on non-namespace object '{targetName}'");
        }

        ns.Attributes[attribute] = value.Evaluate(context);
        return Flow.Normal;
    }
}

internal sealed class SetBlockStatement(int offset, string target, IReadOnlyList<Statement> body) : Statement(offset)
{
    public override Flow Execute(RenderContext context)
    {
        context.Scope.Set(target, context.Capture(body));
        return Flow.Normal;
    }
}

internal sealed class MacroStatement(int offset, string name, IReadOnlyList<string> parameters, IReadOnlyList<Expression?> defaults, IReadOnlyList<Statement> body)
    : Statement(offset)
{
    public override Flow Execute(RenderContext context)
    {
        context.Scope.Set(name, new MacroValue(name, parameters, defaults, body, context.Scope));
        return Flow.Normal;
    }
}

internal sealed class CallBlockStatement(int offset, CallExpression call, IReadOnlyList<Statement> body) : Statement(offset)
{
    public override Flow Execute(RenderContext context)
    {
        TemplateValues.AppendText(context.Output, call.Invoke(context, body));
        return Flow.Normal;
    }
}

internal sealed class FilterBlockStatement(int offset, IReadOnlyList<FilterExpression> filters, IReadOnlyList<Statement> body) : Statement(offset)
{
    public override Flow Execute(RenderContext context)
    {
        object? value = context.Capture(body);
        foreach (var filter in filters)
        {
            value = filter.Apply(context, value);
        }

        TemplateValues.AppendText(context.Output, value);
        return Flow.Normal;
    }
}

internal sealed class LoopControlStatement(int offset, Flow flow) : Statement(offset)
{
    public override Flow Execute(RenderContext context) => flow;
}
