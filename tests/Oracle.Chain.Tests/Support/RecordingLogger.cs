using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Oracle.Chain.Tests.Support;

/// <summary>A logger that keeps every message, for tests that check what a component reported (a replacement, say).</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string Message, IReadOnlyList<KeyValuePair<string, object?>> State)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Entries.Enqueue((logLevel, formatter(state, exception), state as IReadOnlyList<KeyValuePair<string, object?>> ?? []));

    /// <summary>The values of <paramref name="key"/> in messages whose template starts with <paramref name="prefix"/>.</summary>
    public List<object?> Values(string prefix, string key)
        => Entries.Where(e => e.State.Any(kv => kv.Key == "{OriginalFormat}" && ((string?)kv.Value ?? "").StartsWith(prefix, StringComparison.Ordinal)))
            .SelectMany(e => e.State.Where(kv => kv.Key == key).Select(kv => kv.Value))
            .ToList();
}
