namespace SpikeReplay.Cli;

/// <summary>Process exit codes; CI distinguishes "the gateway missed its SLO" from "the tool was misused".</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int AssertionsFailed = 1;
    public const int Usage = 2;
    public const int TargetUnusable = 3;
}
