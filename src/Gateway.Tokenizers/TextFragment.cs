namespace Gateway.Tokenizers;

/// <summary>
/// A piece of the input after special-token matching: either a run of ordinary text (<see cref="TokenId"/> is -1) or one
/// special token that was found verbatim in the text.
/// </summary>
internal readonly record struct TextFragment(int Start, int Length, int TokenId)
{
    public bool IsText => TokenId < 0;

    public static TextFragment Text(int start, int length) => new(start, length, -1);
}
