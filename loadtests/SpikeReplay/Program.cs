using SpikeReplay.Cli;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C stops new arrivals and lets the reports be written; a second one kills the process.
    if (!cancellation.IsCancellationRequested)
    {
        e.Cancel = true;
        cancellation.Cancel();
    }
};

return await SpikeReplayCommands.RunAsync(args, Console.Out, Console.Error, cancellation.Token).ConfigureAwait(false);
