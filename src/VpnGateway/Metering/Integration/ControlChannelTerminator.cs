using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;
using VpnGateway.Control;
using VpnGateway.Metering.Sessions;

namespace VpnGateway.Metering.Integration;

/// <summary>
/// Cuts a session off by telling the peer on the control channel (<see cref="ControlMessageTypes.Close"/> with the
/// reason). The tunnel has no call yet that ends one session locally; until it has, this is as far as metering can
/// reach, and the cut-off is logged and counted so an operator sees it.
/// </summary>
internal sealed class ControlChannelTerminator(ILogger<ControlChannelTerminator> logger) : ISessionTerminator
{
    private readonly ConcurrentDictionary<ulong, IControlChannel> _channels = new();

    public void Register(IControlChannel channel) => _channels[channel.SessionId] = channel;

    public void Unregister(ulong sessionId) => _channels.TryRemove(sessionId, out _);

    public async ValueTask TerminateAsync(ulong sessionId, string reason, CancellationToken cancellationToken)
    {
        if (!_channels.TryGetValue(sessionId, out var channel))
        {
            return;
        }

        var result = await channel.SendAsync(ControlMessageTypes.Close, Encoding.UTF8.GetBytes(reason), cancellationToken).ConfigureAwait(false);
        logger.LogWarning("session {Session}: metering asked to close it ({Reason}); close message {Result}", sessionId, reason, result);
    }
}
