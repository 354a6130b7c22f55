using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Gateway.Serving.Tests.TestDoubles;

/// <summary>Keeps every log entry at or above a level, so tests can assert nothing went wrong inside the loop.</summary>
internal sealed class CapturingLogger<T>(LogLevel minimum = LogLevel.Warning) : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, EventId Id, string Message, Exception? Exception)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            Entries.Enqueue((logLevel, eventId, formatter(state, exception), exception));
        }
    }
}
