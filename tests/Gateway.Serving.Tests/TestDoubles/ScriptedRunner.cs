using Gateway.Inference;

namespace Gateway.Serving.Tests.TestDoubles;

/// <summary>
/// Generates a fixed script per prompt: the prompt's first token selects the script, and the number of tokens after the
/// prompt selects the position in it. Past the end of a script it keeps producing the script's last token.
/// </summary>
internal sealed class ScriptedRunner(ITokenizer tokenizer, int blockSize = 4, int blockCount = 256)
    : PagedFakeRunner(tokenizer, blockSize, blockCount)
{
    private readonly Dictionary<int, (int PromptLength, int[] Script)> _scripts = [];

    public void AddScript(int[] prompt, int[] script) => _scripts[prompt[0]] = (prompt.Length, script);

    protected override void ComputeLogits(ReadOnlySpan<int> sequence, Span<float> logits)
    {
        var (promptLength, script) = _scripts[sequence[0]];
        var index = Math.Min(sequence.Length - promptLength, script.Length - 1);
        logits.Fill(-10f);
        logits[script[index]] = 10f;
    }
}
