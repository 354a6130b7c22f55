namespace Gateway.FrontDoor.Configuration;

/// <summary>The <c>FrontDoor:Auth</c> section.</summary>
public sealed class ApiKeyAuthOptions
{
    /// <summary>Off by default so a local run needs no keys; every caller is then the anonymous tenant.</summary>
    public bool Enabled { get; set; }

    /// <summary>Keys listed directly in configuration (SHA-256 hex only, never the key itself).</summary>
    public List<ApiKeyEntry> Keys { get; set; } = [];

    /// <summary>
    /// A mounted secret holding <c>{"keys":[{"hash":"&lt;sha256 hex&gt;","tenant":"acme"}]}</c>; re-read when its content
    /// changes, so rotating a Kubernetes secret needs no restart.
    /// </summary>
    public string? KeysFile { get; set; }

    /// <summary>How often the keys file is checked for changes (polling survives the symlink swap secrets use).</summary>
    public TimeSpan KeysFilePollInterval { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>One API key: the SHA-256 hex of the key and the tenant it belongs to.</summary>
public sealed class ApiKeyEntry
{
    public string Hash { get; set; } = "";

    public string Tenant { get; set; } = "";
}
