using System.Text;

namespace Gateway.ChatTemplates;

/// <summary>The mutable state of one render: where output goes, the current variable frame and the clock.</summary>
internal sealed class RenderContext(StringBuilder output, Scope scope, TimeProvider timeProvider)
{
    public StringBuilder Output { get; set; } = output;

    public Scope Scope { get; set; } = scope;

    public TimeProvider TimeProvider { get; } = timeProvider;

    /// <summary>How deeply macros are nested right now; bounded so a self-recursive macro fails instead of overflowing the stack.</summary>
    public int CallDepth { get; set; }

    /// <summary>Runs <paramref name="body"/> into a fresh buffer and returns what it wrote (macros, block set, filter).</summary>
    public string Capture(IReadOnlyList<Statement> body)
    {
        var saved = Output;
        Output = new StringBuilder();
        try
        {
            Statement.ExecuteAll(body, this);
            return Output.ToString();
        }
        finally
        {
            Output = saved;
        }
    }
}
