namespace Gateway.ChatTemplates;

/// <summary>An expression node of the parsed template; evaluation follows Python/Jinja semantics.</summary>
internal abstract class Expression(int offset)
{
    public int Offset { get; } = offset;

    public abstract object? Evaluate(RenderContext context);
}

internal sealed class ConstantExpression(int offset, object? value) : Expression(offset)
{
    public object? Value { get; } = value;

    public override object? Evaluate(RenderContext context) => Value;
}

/// <summary>A list or tuple literal (tuples are lists here: templates only read them).</summary>
internal sealed class ListExpression(int offset, IReadOnlyList<Expression> items) : Expression(offset)
{
    public IReadOnlyList<Expression> Items { get; } = items;

    public override object? Evaluate(RenderContext context)
    {
        var list = new List<object?>(Items.Count);
        foreach (var item in Items)
        {
            list.Add(item.Evaluate(context));
        }

        return list;
    }
}

internal sealed class DictExpression(int offset, IReadOnlyList<(Expression Key, Expression Value)> entries) : Expression(offset)
{
    public override object? Evaluate(RenderContext context)
    {
        var dict = new OrderedDictionary<string, object?>(entries.Count, StringComparer.Ordinal);
        foreach (var (keyExpression, valueExpression) in entries)
        {
            object? key = keyExpression.Evaluate(context);
            if (key is not string name)
            {
                throw new TemplateError(keyExpression.Offset, $"Only string dictionary keys are supported, not {TemplateValues.TypeName(key)}");
            }

            dict[name] = valueExpression.Evaluate(context);
        }

        return dict;
    }
}

internal sealed class NameExpression(int offset, string name) : Expression(offset)
{
    public string Name { get; } = name;

    public override object? Evaluate(RenderContext context)
    {
        if (context.Scope.TryGet(Name, out var value))
        {
            return value;
        }

        return GlobalFunctions.TryGet(Name, out var function) ? function : Undefined.Instance;
    }
}

internal sealed class AttributeExpression(int offset, Expression target, string name) : Expression(offset)
{
    public Expression Target { get; } = target;

    public string Name { get; } = name;

    public override object? Evaluate(RenderContext context) => ValueAccess.GetAttribute(Target.Evaluate(context), Name);
}

internal sealed class ItemExpression(int offset, Expression target, Expression key) : Expression(offset)
{
    public override object? Evaluate(RenderContext context) =>
        ValueAccess.GetItem(target.Evaluate(context), key.Evaluate(context), Offset);
}

internal sealed class SliceExpression(int offset, Expression target, Expression? start, Expression? stop, Expression? step)
    : Expression(offset)
{
    public override object? Evaluate(RenderContext context) => ValueAccess.Slice(
        target.Evaluate(context),
        start?.Evaluate(context),
        stop?.Evaluate(context),
        step?.Evaluate(context),
        Offset);
}

/// <summary>Positional and keyword arguments as written at a call site, a filter or a test.</summary>
internal sealed class Arguments(IReadOnlyList<Expression> positional, IReadOnlyList<(string Name, Expression Value)> named)
{
    public static readonly Arguments None = new([], []);

    // Most filter and method calls take no arguments; sharing empty lists keeps them allocation-free.
    // Safe because callees only ever read their argument lists.
    private static readonly List<object?> NoPositional = [];
    private static readonly List<KeyValuePair<string, object?>> NoNamed = [];

    public IReadOnlyList<Expression> Positional { get; } = positional;

    public IReadOnlyList<(string Name, Expression Value)> Named { get; } = named;

    public List<object?> EvaluatePositional(RenderContext context)
    {
        if (Positional.Count == 0)
        {
            return NoPositional;
        }

        var values = new List<object?>(Positional.Count);
        foreach (var expression in Positional)
        {
            values.Add(expression.Evaluate(context));
        }

        return values;
    }

    public List<KeyValuePair<string, object?>> EvaluateNamed(RenderContext context)
    {
        if (Named.Count == 0)
        {
            return NoNamed;
        }

        var values = new List<KeyValuePair<string, object?>>(Named.Count);
        foreach (var (name, expression) in Named)
        {
            values.Add(new KeyValuePair<string, object?>(name, expression.Evaluate(context)));
        }

        return values;
    }
}

internal sealed class CallExpression(int offset, Expression callee, Arguments arguments) : Expression(offset)
{
    public Expression Callee { get; } = callee;

    public Arguments Arguments { get; } = arguments;

    public override object? Evaluate(RenderContext context) => Invoke(context, callerBody: null);

    /// <summary>Calls the target; <paramref name="callerBody"/> is the body of a <c>{% call %}</c> block, if any.</summary>
    public object? Invoke(RenderContext context, IReadOnlyList<Statement>? callerBody)
    {
        object? callee;
        if (Callee is AttributeExpression attribute)
        {
            object? target = attribute.Target.Evaluate(context);
            var methodArgs = Arguments.EvaluatePositional(context);
            var methodKwargs = Arguments.EvaluateNamed(context);
            if (BuiltinMethods.TryInvoke(target, attribute.Name, methodArgs, methodKwargs, Offset, out var result))
            {
                return result;
            }

            callee = ValueAccess.GetAttribute(target, attribute.Name);
            return InvokeCallable(context, callee, methodArgs, methodKwargs, callerBody, attribute.Name);
        }

        callee = Callee.Evaluate(context);
        string name = Callee is NameExpression named ? named.Name : "expression";
        return InvokeCallable(context, callee, Arguments.EvaluatePositional(context), Arguments.EvaluateNamed(context), callerBody, name);
    }

    private object? InvokeCallable(
        RenderContext context,
        object? callee,
        List<object?> args,
        List<KeyValuePair<string, object?>> kwargs,
        IReadOnlyList<Statement>? callerBody,
        string name)
    {
        return callee switch
        {
            MacroValue macro => macro.Invoke(context, args, kwargs, Offset, callerBody),
            TemplateCallable callable => callable.Invoke(context, args, kwargs, Offset),
            Undefined => throw new TemplateError(Offset, $"'{name}' is undefined"),
            _ => throw new TemplateError(Offset, $"'{TemplateValues.TypeName(callee)}' object is not callable"),
        };
    }
}

internal sealed class FilterExpression(int offset, Expression target, string name, FilterFunction filter, Arguments arguments)
    : Expression(offset)
{
    public override object? Evaluate(RenderContext context) => Apply(context, target.Evaluate(context));

    public object? Apply(RenderContext context, object? value) =>
        filter(context, value, arguments.EvaluatePositional(context), arguments.EvaluateNamed(context), Offset, name);
}

internal sealed class TestExpression(int offset, Expression target, TestFunction test, Arguments arguments, bool negated)
    : Expression(offset)
{
    public override object? Evaluate(RenderContext context) =>
        test(target.Evaluate(context), arguments.EvaluatePositional(context), Offset) != negated;
}

internal sealed class UnaryExpression(int offset, string op, Expression operand) : Expression(offset)
{
    public override object? Evaluate(RenderContext context)
    {
        object? value = operand.Evaluate(context);
        return op switch
        {
            "not" => !TemplateValues.IsTruthy(value),
            "-" => value switch
            {
                // Arms are boxed individually: a switch mixing long and double would widen every result to double.
                long l => (object)(-l),
                double d => (object)(-d),
                bool b => (object)(b ? -1L : 0L),
                _ => throw new TemplateError(Offset, $"bad operand type for unary -: '{TemplateValues.TypeName(value)}'"),
            },
            _ => value is long or double ? value : throw new TemplateError(Offset, $"bad operand type for unary +: '{TemplateValues.TypeName(value)}'"),
        };
    }
}

internal sealed class BinaryExpression(int offset, string op, Expression left, Expression right) : Expression(offset)
{
    public override object? Evaluate(RenderContext context) =>
        Operators.Apply(op, left.Evaluate(context), right.Evaluate(context), Offset);
}

/// <summary><c>and</c>/<c>or</c>: short-circuit and return an operand, not a bool, as Python does.</summary>
internal sealed class LogicalExpression(int offset, bool isAnd, Expression left, Expression right) : Expression(offset)
{
    public override object? Evaluate(RenderContext context)
    {
        object? value = left.Evaluate(context);
        return TemplateValues.IsTruthy(value) == isAnd ? right.Evaluate(context) : value;
    }
}

internal sealed class ConditionalExpression(int offset, Expression condition, Expression whenTrue, Expression? whenFalse)
    : Expression(offset)
{
    public override object? Evaluate(RenderContext context) => TemplateValues.IsTruthy(condition.Evaluate(context))
        ? whenTrue.Evaluate(context)
        : whenFalse is null ? Undefined.Instance : whenFalse.Evaluate(context);
}
