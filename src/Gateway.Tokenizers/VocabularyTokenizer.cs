using System.Text;
using Gateway.Inference;

namespace Gateway.Tokenizers;

/// <summary>
/// What the SentencePiece and byte-level BPE tokenizers share: special-token matching, BOS handling, the precomputed
/// bytes of every token and decoding. Subclasses only turn a run of ordinary text into ids.
/// </summary>
internal abstract class VocabularyTokenizer : ITokenizer
{
    private readonly SpecialTokenMatcher _specials;
    private readonly byte[][] _tokenBytes;

    protected VocabularyTokenizer(TokenizerVocabulary vocabulary, byte[][] tokenBytes)
    {
        Vocabulary = vocabulary;
        _tokenBytes = tokenBytes;
        _specials = new SpecialTokenMatcher(vocabulary);
    }

    public int VocabSize => Vocabulary.Count;

    public int BosId => Vocabulary.BosId;

    public int EosId => Vocabulary.EosId;

    public bool AddBos => Vocabulary.AddBos;

    public IReadOnlySet<int> EndOfGenerationIds => Vocabulary.EndOfGenerationIds;

    internal TokenizerVocabulary Vocabulary { get; }

    /// <summary>Whether decoding drops the space the encoder put in front of the text (SentencePiece's space prefix).</summary>
    protected virtual bool StripsLeadingSpace => false;

    public int[] Encode(string text, bool addBos, bool parseSpecial)
    {
        ArgumentNullException.ThrowIfNull(text);
        var scratch = EncodeScratch.Current;
        var output = scratch.Output;
        output.Clear();
        if (addBos && BosId >= 0)
        {
            output.Add(BosId);
        }

        _specials.Split(text, parseSpecial, scratch.Fragments);
        var previousWasSpecial = true;
        foreach (var fragment in scratch.Fragments)
        {
            if (fragment.IsText)
            {
                EncodeText(text.AsSpan(fragment.Start, fragment.Length), previousWasSpecial, output, scratch);
                previousWasSpecial = false;
            }
            else
            {
                output.Add(fragment.TokenId);
                previousWasSpecial = true;
            }
        }

        return [.. output];
    }

    public string Decode(ReadOnlySpan<int> ids, bool renderSpecial = false)
    {
        var length = 0;
        foreach (var id in ids)
        {
            length += _tokenBytes[Vocabulary.CheckId(id)].Length;
        }

        var scratch = EncodeScratch.Current;
        var buffer = scratch.ByteBuffer(length);
        var written = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            var id = ids[i];
            if (!renderSpecial && Vocabulary.IsControl(id))
            {
                continue;
            }

            ReadOnlySpan<byte> piece = _tokenBytes[id];

            // As llama.cpp's detokenizer: the space the encoder prefixed to the text is not part of it.
            var isFirstContent = i == 0 || (i == 1 && ids[0] == BosId);
            if (StripsLeadingSpace && isFirstContent && piece.Length > 0 && piece[0] == (byte)' ')
            {
                piece = piece[1..];
            }

            piece.CopyTo(buffer.AsSpan(written));
            written += piece.Length;
        }

        return Encoding.UTF8.GetString(buffer, 0, written);
    }

    /// <summary>The token's bytes; the array is shared and must not be modified.</summary>
    public byte[] TokenBytes(int id) => _tokenBytes[Vocabulary.CheckId(id)];

    public string TokenText(int id) => Vocabulary.Texts[Vocabulary.CheckId(id)];

    public bool IsControl(int id) => Vocabulary.IsControl(id);

    public bool TryGetId(string tokenText, out int id) => Vocabulary.TryGetId(tokenText, out id);

    /// <summary>Appends the ids of one run of ordinary text (no special tokens in it).</summary>
    /// <param name="afterSpecial">Whether the run starts the input or follows a special token.</param>
    protected abstract void EncodeText(ReadOnlySpan<char> text, bool afterSpecial, List<int> output, EncodeScratch scratch);
}
