namespace Gateway.Inference;

/// <summary>
/// One sequence's share of a forward pass: a prefill chunk or a single decode token. The KV entries of
/// <see cref="Tokens"/> are written at positions <see cref="StartPosition"/>.. through <see cref="BlockTable"/>, and
/// attention reads positions [0, StartPosition + Tokens.Length) through the same table.
/// </summary>
/// <param name="Tokens">Tokens to run this step.</param>
/// <param name="StartPosition">Position of <c>Tokens[0]</c>: how many tokens of this sequence are already in the KV cache.</param>
/// <param name="BlockTable">Physical KV block ids, in order, covering at least StartPosition + Tokens.Length positions.</param>
/// <param name="ComputeLogits">Whether the caller wants logits for the chunk's last token (false for a non-final prefill chunk).</param>
/// <param name="SequenceId">The same for every chunk of one sequence and unique in the process; 0 when unknown. An engine
/// may keep a copy of a sequence's state between steps under it (the ONNX engine keeps its staged KV rows), checked
/// against the block table, which stays the source of truth.</param>
public readonly record struct SequenceChunk(
    ReadOnlyMemory<int> Tokens,
    int StartPosition,
    ReadOnlyMemory<int> BlockTable,
    bool ComputeLogits,
    long SequenceId = 0);
