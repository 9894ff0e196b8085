using System.Collections.Concurrent;
using VpnGateway.Sessions;

namespace VpnGateway.Tests.Settlement;

/// <summary>Records the sessions settlement asked the tunnel to end.</summary>
internal sealed class RecordingTerminator : ISessionTerminator
{
    public ConcurrentQueue<(ulong SessionId, string Reason)> Terminated { get; } = new();

    public bool Terminate(ulong sessionId, string reason, bool refuseReconnection)
    {
        Terminated.Enqueue((sessionId, reason));
        return true;
    }
}
