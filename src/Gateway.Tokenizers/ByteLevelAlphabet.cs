namespace Gateway.Tokenizers;

/// <summary>
/// GPT-2's reversible byte-to-character map: byte-level BPE vocabularies spell every byte as one printable character so
/// that tokens are strings. Printable Latin-1 bytes ('!'..'~', '¡'..'¬', '®'..'ÿ') stand for themselves; the other 68
/// bytes (controls, space, soft hyphen, …) are given U+0100 onwards in byte order, which makes space "Ġ" and newline "Ċ".
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] ByteToCharTable = BuildTable();
    private static readonly Dictionary<char, byte> CharToByteTable = BuildReverse();

    public static char ToChar(byte b) => ByteToCharTable[b];

    public static bool TryGetByte(char c, out byte b) => CharToByteTable.TryGetValue(c, out b);

    private static char[] BuildTable()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            table[b] = printable ? (char)b : (char)next++;
        }

        return table;
    }

    private static Dictionary<char, byte> BuildReverse()
    {
        var reverse = new Dictionary<char, byte>(256);
        for (var b = 0; b < 256; b++)
        {
            reverse[ByteToCharTable[b]] = (byte)b;
        }

        return reverse;
    }
}
