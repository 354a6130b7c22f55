namespace SpikeReplay.Cli;

/// <summary>A command line the tool cannot act on; reported with the usage text and exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
