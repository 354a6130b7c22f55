using System.Text;
using Gateway.Inference;

namespace Gateway.Serving.Tests.TestDoubles;

/// <summary>
/// A tiny vocabulary: id 0 is EOS, id 1 is BOS (both control), the rest map to the given texts. Encoding is greedy
/// longest match, enough for building test prompts.
/// </summary>
internal sealed class TestTokenizer : ITokenizer
{
    public const int Eos = 0;
    public const int Bos = 1;

    private readonly string[] _texts;
    private readonly Dictionary<string, int> _ids = [];

    public TestTokenizer(IReadOnlyList<string> texts, bool eosEndsGeneration = true)
    {
        _texts = ["</s>", "<s>", .. texts];
        for (var id = 0; id < _texts.Length; id++)
        {
            _ids.TryAdd(_texts[id], id);
        }

        EndOfGenerationIds = eosEndsGeneration ? new HashSet<int> { Eos } : new HashSet<int>();
    }

    /// <summary>Letters and a few multi-character pieces, vocabulary size 40.</summary>
    public static TestTokenizer Letters(bool eosEndsGeneration = true) =>
        new([.. Enumerable.Range('a', 26).Select(c => ((char)c).ToString()), " ", ".", "th", "he", "in", "er", "an", "on", "ing", " the", "é", "\n"], eosEndsGeneration);

    public int VocabSize => _texts.Length;

    public int BosId => Bos;

    public int EosId => Eos;

    public bool AddBos => true;

    public IReadOnlySet<int> EndOfGenerationIds { get; }

    public int[] Encode(string text, bool addBos, bool parseSpecial)
    {
        List<int> ids = addBos ? [Bos] : [];
        var at = 0;
        while (at < text.Length)
        {
            var best = -1;
            var bestLength = 0;
            for (var id = 2; id < _texts.Length; id++)
            {
                var t = _texts[id];
                if (t.Length > bestLength && string.CompareOrdinal(text, at, t, 0, t.Length) == 0)
                {
                    best = id;
                    bestLength = t.Length;
                }
            }

            if (best < 0)
            {
                throw new ArgumentException($"No token for '{text[at]}'.", nameof(text));
            }

            ids.Add(best);
            at += bestLength;
        }

        return [.. ids];
    }

    public string Decode(ReadOnlySpan<int> ids, bool renderSpecial = false)
    {
        var builder = new StringBuilder();
        foreach (var id in ids)
        {
            if (renderSpecial || !IsControl(id))
            {
                builder.Append(_texts[id]);
            }
        }

        return builder.ToString();
    }

    public byte[] TokenBytes(int id) => Encoding.UTF8.GetBytes(_texts[id]);

    public string TokenText(int id) => _texts[id];

    public bool IsControl(int id) => id is Eos or Bos;

    public bool TryGetId(string tokenText, out int id) => _ids.TryGetValue(tokenText, out id);
}
