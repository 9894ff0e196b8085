using Microsoft.Extensions.Logging;
using VpnGateway.Protocol;

namespace VpnGateway.Tunnel;

internal abstract partial class TunnelEngine
{
    private async Task TimerLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Options.TickInterval, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    Tick();
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    Logger.LogError(e, "timer tick failed");
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Runs the timers once (keepalives, control retransmissions, then the role's own).</summary>
    internal void Tick()
    {
        var now = Time.GetTimestamp();
        var timings = Options.Timings;
        foreach (var session in _sessions.Values)
        {
            if (session.State == SessionState.Ended)
            {
                continue;
            }

            // Passive keepalive: the peer sent something, we had nothing to say for a while.
            var lastSent = session.LastSent;
            var lastReceived = session.LastReceived;
            if (lastReceived > lastSent && Time.GetElapsedTime(lastSent, now) >= timings.KeepaliveTimeout)
            {
                SendKeepalive(session);
            }

            session.Control?.OnTick();
        }

        OnTick(now);
    }

    protected void SendKeepalive(TunnelSession session) => SendMessage(session, MessageType.TransportData, ReadOnlySpan<byte>.Empty);
}
