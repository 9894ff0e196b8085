using System.Collections.Concurrent;
using VpnGateway.Sessions;

namespace VpnGateway.Tests.Doubles;

internal sealed class RecordingObserver : ISessionObserver
{
    public ConcurrentQueue<string> Events { get; } = new();

    public ConcurrentQueue<GatewaySession> Started { get; } = new();

    /// <summary>Runs when a session is ending (a last exchange on its control channel, as metering's last epoch).</summary>
    public Func<GatewaySession, CancellationToken, Task>? Ending { get; set; }

    /// <summary>Answers <see cref="RefuseSession"/> (metering refuses a session that already ended).</summary>
    public Func<ulong, string?>? Refuse { get; set; }

    public string? RefuseSession(ulong sessionId) => Refuse?.Invoke(sessionId);

    /// <summary>Answers <see cref="IsSettled"/> (default: settled).</summary>
    public Func<ulong, bool>? Settled { get; set; }

    public bool IsSettled(ulong sessionId) => Settled?.Invoke(sessionId) ?? true;

    /// <summary>Runs when a session starts (metering's start: it may fail).</summary>
    public Func<GatewaySession, Task>? Starting { get; set; }

    public async ValueTask OnSessionStartedAsync(GatewaySession session, CancellationToken cancellationToken)
    {
        Started.Enqueue(session);
        Events.Enqueue($"start {session.SessionId} {session.InterfaceName}");
        if (Starting is { } starting)
        {
            await starting(session);
        }
    }

    public async ValueTask OnSessionEndingAsync(GatewaySession session, SessionEndReason reason, CancellationToken cancellationToken)
    {
        Events.Enqueue($"ending {session.SessionId} {reason}");
        if (Ending is { } ending)
        {
            await ending(session, cancellationToken);
        }
    }

    public ValueTask OnSessionEndedAsync(GatewaySession session, SessionEndReason reason, CancellationToken cancellationToken)
    {
        Events.Enqueue($"end {session.SessionId} {reason}");
        return ValueTask.CompletedTask;
    }
}
