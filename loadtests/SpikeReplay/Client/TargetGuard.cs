namespace SpikeReplay.Client;

/// <summary>
/// Refuses targets other than this machine's loopback unless explicitly allowed: a load generator pointed at the wrong
/// host is a denial-of-service tool, and this workplace forbids traffic to other addresses.
/// </summary>
internal static class TargetGuard
{
    public static Uri Validate(string baseUrl, bool allowRemote)
    {
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"--base-url \"{baseUrl}\" is not an absolute http(s) URL.");
        }

        if (!allowRemote && !IsLocal(uri))
        {
            throw new ArgumentException(
                $"--base-url host \"{uri.Host}\" is not 127.0.0.1, localhost or [::1]; pass --allow-remote to target it.");
        }

        return uri;
    }

    public static bool IsLocal(Uri uri)
    {
        return uri.IdnHost is "127.0.0.1" or "localhost" or "[::1]" or "::1";
    }
}
