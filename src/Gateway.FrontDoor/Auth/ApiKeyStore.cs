using System.Security.Cryptography;
using System.Text.Json;
using Gateway.FrontDoor.Configuration;
using Gateway.FrontDoor.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.FrontDoor.Auth;

/// <summary>
/// The set of valid key hashes (configuration plus the mounted keys file). Lookups compare against every entry
/// with a fixed-time comparison and no early exit, so response time reveals nothing about how close a guess was.
/// </summary>
internal sealed class ApiKeyStore
{
    private static readonly JsonSerializerOptions s_fileJson = new(JsonSerializerDefaults.Web);

    private readonly ILogger<ApiKeyStore> _logger;
    private readonly IOptionsMonitor<FrontDoorOptions> _options;
    private Entry[] _fromConfiguration = [];
    private Entry[] _fromFile = [];
    private volatile Entry[] _all = [];

    public ApiKeyStore(IOptionsMonitor<FrontDoorOptions> options, ILogger<ApiKeyStore> logger)
    {
        _options = options;
        _logger = logger;
        LoadConfiguration(options.CurrentValue);
        options.OnChange(LoadConfiguration);
    }

    public int Count => _all.Length;

    /// <summary>Finds the tenant owning the key; null when the key is unknown.</summary>
    public string? FindTenant(ReadOnlySpan<char> apiKey)
    {
        Span<byte> hash = stackalloc byte[ApiKeyHasher.HashLength];
        if (!ApiKeyHasher.TryHash(apiKey, hash))
        {
            return null;
        }

        string? tenant = null;
        foreach (var entry in _all)
        {
            // No break: every entry is compared whatever matched, keeping the time independent of the key.
            if (CryptographicOperations.FixedTimeEquals(entry.Hash, hash))
            {
                tenant = entry.Tenant;
            }
        }

        return tenant;
    }

    /// <summary>Replaces the keys that came from the keys file with the file's current content.</summary>
    public void LoadKeysFile(string json)
    {
        var document = JsonSerializer.Deserialize<KeysFileDocument>(json, s_fileJson)
            ?? throw new InvalidDataException("The API keys file is empty.");
        _fromFile = Parse(document.Keys ?? []);
        Publish();
        FrontDoorLog.KeysFileLoaded(_logger, _fromFile.Length);
    }

    private void LoadConfiguration(FrontDoorOptions options)
    {
        _fromConfiguration = Parse(options.Auth.Keys);
        Publish();
    }

    private void Publish() => _all = [.. _fromConfiguration, .. _fromFile];

    private Entry[] Parse(List<ApiKeyEntry> entries)
    {
        var parsed = new List<Entry>(entries.Count);
        foreach (var entry in entries)
        {
            if (entry.Hash.Length != ApiKeyHasher.HashLength * 2 || string.IsNullOrWhiteSpace(entry.Tenant))
            {
                FrontDoorLog.InvalidKeyEntry(_logger, entry.Tenant);
                continue;
            }

            try
            {
                parsed.Add(new Entry(Convert.FromHexString(entry.Hash), entry.Tenant));
            }
            catch (FormatException)
            {
                FrontDoorLog.InvalidKeyEntry(_logger, entry.Tenant);
            }
        }

        return [.. parsed];
    }

    private sealed record Entry(byte[] Hash, string Tenant);

    private sealed class KeysFileDocument
    {
        public List<ApiKeyEntry>? Keys { get; set; }
    }
}
