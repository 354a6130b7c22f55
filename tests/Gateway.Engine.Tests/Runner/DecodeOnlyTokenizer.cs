using Gateway.Engine.Gguf;
using Gateway.Engine.Vocab;

namespace Gateway.Engine.Tests.Runner;

/// <summary>Test double: decodes SentencePiece-style pieces straight from the GGUF vocabulary; cannot encode.</summary>
internal sealed class DecodeOnlyTokenizer(GgufFile file) : ITokenizer
{
    private readonly string[] _tokens = file.Metadata.GetArray<string>("tokenizer.ggml.tokens");

    public int VocabSize => _tokens.Length;
    public int BosId => 1;
    public int EosId => 2;
    public bool AddBos => true;
    public IReadOnlySet<int> EndOfGenerationIds { get; } = new HashSet<int> { 2 };
    public int[] Encode(string text, bool addBos, bool parseSpecial) => throw new InvalidOperationException("decode only");
    public string Decode(ReadOnlySpan<int> ids, bool renderSpecial = false)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var id in ids) sb.Append(System.Text.Encoding.UTF8.GetString(TokenBytes(id)));
        return sb.ToString();
    }
    public byte[] TokenBytes(int id)
    {
        var t = _tokens[id];
        if (t.Length == 6 && t.StartsWith("<0x", StringComparison.Ordinal)) return [Convert.ToByte(t[3..5], 16)];
        return System.Text.Encoding.UTF8.GetBytes(t.Replace('\u2581', ' '));
    }
    public string TokenText(int id) => _tokens[id];
    public bool IsControl(int id) => id < 3;
    public bool TryGetId(string tokenText, out int id) { id = Array.IndexOf(_tokens, tokenText); return id >= 0; }
}
