using Gateway.Inference;

namespace Gateway.Cli;

/// <summary>
/// Turns failures into one line on stderr and an exit code: operators need the file and the problem, not a stack trace.
/// </summary>
internal static class CliErrors
{
    public const int ModelError = 2;
    public const int UsageError = 64;
    public const int Failure = 1;

    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (ModelLoadException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return ModelError;
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return UsageError;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or HttpRequestException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return Failure;
        }
    }
}
