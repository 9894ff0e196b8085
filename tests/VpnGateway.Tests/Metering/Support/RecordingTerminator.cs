using System.Collections.Concurrent;
using VpnGateway.Metering.Sessions;

namespace VpnGateway.Tests.Metering.Support;

/// <summary>Records the sessions metering asked to end.</summary>
internal sealed class RecordingTerminator : ISessionTerminator
{
    public ConcurrentQueue<(ulong SessionId, string Reason)> Terminated { get; } = new();

    public ValueTask TerminateAsync(ulong sessionId, string reason, CancellationToken cancellationToken)
    {
        Terminated.Enqueue((sessionId, reason));
        return ValueTask.CompletedTask;
    }
}
