using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Gateway.FrontDoor.Auth;

/// <summary>
/// A bearer key only this process knows, for requests the gateway sends to itself: the start-up warm-up goes through
/// the real HTTP path, auth included, even when API keys are required. It is random per process, never logged or
/// configured, and revoked as soon as the warm-up ends; requests carrying it count under <see cref="Tenant"/>.
/// </summary>
public sealed class InternalCallerKey
{
    /// <summary>The tenant internal requests are attributed to in metrics, limits and logs.</summary>
    public const string Tenant = "gateway-internal";

    private volatile string? _key = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The key while it is valid; null once revoked.</summary>
    public string? Key => _key;

    public void Revoke() => _key = null;

    internal bool Matches(ReadOnlySpan<char> candidate)
    {
        var key = _key;
        return key is not null && CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(candidate), MemoryMarshal.AsBytes(key.AsSpan()));
    }
}
