namespace Gateway.Cli;

/// <summary>A one-line progress bar on stderr for long-running verbs.</summary>
internal sealed class ConsoleProgress(string label) : IProgress<double>
{
    private int _lastPercent = -1;

    public void Report(double value)
    {
        var percent = (int)(value * 100);
        if (percent == _lastPercent)
        {
            return;
        }

        _lastPercent = percent;
        var filled = percent * 30 / 100;
        Console.Error.Write($"\r{label} [{new string('#', filled)}{new string('.', 30 - filled)}] {percent,3}%");
    }
}
