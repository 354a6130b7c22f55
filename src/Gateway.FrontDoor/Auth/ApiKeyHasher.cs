using System.Security.Cryptography;
using System.Text;

namespace Gateway.FrontDoor.Auth;

/// <summary>
/// Turns an API key into the SHA-256 hex that configuration stores. Keys are long random strings, so a plain
/// (unsalted) hash is enough to keep a leaked config from revealing them.
/// </summary>
public static class ApiKeyHasher
{
    /// <summary>Longest key accepted; bounds the stack buffer used when hashing on the request path.</summary>
    public const int MaxKeyLength = 512;

    public const int HashLength = 32;

    /// <summary>Lowercase hex SHA-256 of the UTF-8 key, the value to put in <c>FrontDoor:Auth:Keys[].Hash</c>.</summary>
    public static string HashToHex(string apiKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiKey);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));
    }

    /// <summary>Hashes a presented key without allocating; false when the key is too long to be one of ours.</summary>
    internal static bool TryHash(ReadOnlySpan<char> apiKey, Span<byte> hash)
    {
        if (apiKey.IsEmpty || apiKey.Length > MaxKeyLength)
        {
            return false;
        }

        Span<byte> utf8 = stackalloc byte[MaxKeyLength * 3];
        var length = Encoding.UTF8.GetBytes(apiKey, utf8);
        SHA256.HashData(utf8[..length], hash);
        return true;
    }
}
