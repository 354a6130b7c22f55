namespace Gateway.ChatTemplates;

/// <summary>
/// Functions every chat template can call: Jinja's <c>range</c>, <c>namespace</c> and <c>dict</c>, plus the two
/// Hugging Face adds for chat templates, <c>raise_exception</c> and <c>strftime_now</c>.
/// </summary>
internal static class GlobalFunctions
{
    private static readonly Dictionary<string, TemplateCallable> Functions = new(StringComparer.Ordinal)
    {
        ["raise_exception"] = new RaiseException(),
        ["strftime_now"] = new StrftimeNow(),
        ["range"] = new Range(),
        ["namespace"] = new Namespace(),
        ["dict"] = new Dict(),
    };

    public static bool TryGet(string name, out TemplateCallable? function) => Functions.TryGetValue(name, out function);

    private sealed class RaiseException : TemplateCallable
    {
        public override object? Invoke(RenderContext context, List<object?> args, List<KeyValuePair<string, object?>> kwargs, int offset) =>
            throw new ChatTemplateException(TemplateValues.ToText(ArgumentReader.Get(args, kwargs, 0, "message", string.Empty)), isRaisedByTemplate: true);
    }

    private sealed class StrftimeNow : TemplateCallable
    {
        public override object? Invoke(RenderContext context, List<object?> args, List<KeyValuePair<string, object?>> kwargs, int offset)
        {
            string format = ArgumentReader.GetString(args, kwargs, 0, "format", string.Empty, offset);
            return StrftimeFormatter.Format(format, context.TimeProvider.GetLocalNow().DateTime);
        }
    }

    private sealed class Range : TemplateCallable
    {
        private const int MaxItems = 100_000;

        public override object? Invoke(RenderContext context, List<object?> args, List<KeyValuePair<string, object?>> kwargs, int offset)
        {
            long start = 0;
            long stop;
            long step = 1;
            switch (args.Count)
            {
                case 1:
                    stop = ArgumentReader.GetInteger(args, null, 0, "stop", 0, offset);
                    break;
                case 2 or 3:
                    start = ArgumentReader.GetInteger(args, null, 0, "start", 0, offset);
                    stop = ArgumentReader.GetInteger(args, null, 1, "stop", 0, offset);
                    step = ArgumentReader.GetInteger(args, null, 2, "step", 1, offset);
                    break;
                default:
                    throw new TemplateError(offset, $"range expected 1 to 3 arguments, got {args.Count}");
            }

            if (step == 0)
            {
                throw new TemplateError(offset, "range() arg 3 must not be zero");
            }

            var items = new List<object?>();
            for (long i = start; step > 0 ? i < stop : i > stop; i += step)
            {
                // The sandbox bound: a template must not be able to exhaust memory with range(10**12).
                if (items.Count == MaxItems)
                {
                    throw new TemplateError(offset, $"range() is limited to {MaxItems} items");
                }

                items.Add(i);
            }

            return items;
        }
    }

    private sealed class Namespace : TemplateCallable
    {
        public override object? Invoke(RenderContext context, List<object?> args, List<KeyValuePair<string, object?>> kwargs, int offset)
        {
            var ns = new NamespaceObject();
            if (args.Count > 0 && args[0] is OrderedDictionary<string, object?> initial)
            {
                foreach (var (key, value) in initial)
                {
                    ns.Attributes[key] = value;
                }
            }

            foreach (var (key, value) in kwargs)
            {
                ns.Attributes[key] = value;
            }

            return ns;
        }
    }

    private sealed class Dict : TemplateCallable
    {
        public override object? Invoke(RenderContext context, List<object?> args, List<KeyValuePair<string, object?>> kwargs, int offset)
        {
            var dict = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (key, value) in kwargs)
            {
                dict[key] = value;
            }

            return dict;
        }
    }
}
