namespace SpikeReplay.Cli;

/// <summary>The gateway could not even be asked the preliminary question (which model); reported with exit code 3.</summary>
internal sealed class TargetUnusableException(string message, Exception? inner = null) : Exception(message, inner);
