using System.Collections.Concurrent;
using VpnGateway.Sessions;

namespace VpnGateway.Tests.Doubles;

internal sealed class RecordingObserver : ISessionObserver
{
    public ConcurrentQueue<string> Events { get; } = new();

    public ConcurrentQueue<GatewaySession> Started { get; } = new();

    public ValueTask OnSessionStartedAsync(GatewaySession session, CancellationToken cancellationToken)
    {
        Started.Enqueue(session);
        Events.Enqueue($"start {session.SessionId} {session.InterfaceName}");
        return ValueTask.CompletedTask;
    }

    public ValueTask OnSessionEndedAsync(GatewaySession session, SessionEndReason reason, CancellationToken cancellationToken)
    {
        Events.Enqueue($"end {session.SessionId} {reason}");
        return ValueTask.CompletedTask;
    }
}
