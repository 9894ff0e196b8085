using Microsoft.Extensions.Logging;
using VpnGateway.Control;
using VpnGateway.Metering.Sessions;
using VpnGateway.Tunnel;
using VpnGateway.Sessions;

namespace VpnGateway.Metering.Integration;

/// <summary>
/// Starts and ends metering with the tunnel's sessions: a provider session is metered as provider (capture of its TUN
/// interface, checkpoints signed with this gateway's key), a client session as client (own capture, vouchers). The
/// session's terms (client, provider, price) come from <see cref="ISessionTermsSource"/>; a session whose terms cannot
/// be had is not carried unmetered: it is ended with the reason.
/// </summary>
internal sealed class MeteringSessionObserver(
    MeteringService metering,
    ISessionTermsSource terms,
    ISessionTerminator terminator,
    ILoggerFactory loggers) : ISessionObserver
{
    private readonly ILogger _logger = loggers.CreateLogger<MeteringSessionObserver>();

    public string? RefuseSession(ulong sessionId) => metering.RefusalOf(sessionId);

    public bool IsSettled(ulong sessionId) => metering.IsSettled(sessionId);

    public async ValueTask OnSessionStartedAsync(GatewaySession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var lookup = await terms.GetAsync(session, cancellationToken);
        if (lookup.Terms is not { } t)
        {
            _logger.LogError("session {Session}: cannot meter it ({Error}); ending it", session.SessionId, lookup.Error);
            terminator.Terminate(session.SessionId, $"metering cannot start: {lookup.Error}", refuseReconnection: false);
            return;
        }

        var channel = new TunnelEvidenceChannel(session.Control, loggers.CreateLogger<TunnelEvidenceChannel>());
        var metered = new MeteredSession(session.SessionId, session.InterfaceName, session.ClientPrefixes, t.ClientAddress, t.ProviderAddress, t.PricePerMiB)
        {
            Policy = session.Policy,
            PolicyContext = session.PolicyContext,
            OnChain = t.OnChain,
        };
        if (session.Role == GatewayRole.Provider)
        {
            if (t.ClientAddress is null)
            {
                _logger.LogWarning("session {Session} has no client address (pinned tunnel key): its evidence is published without vouchers", session.SessionId);
            }

            await metering.StartProviderSessionAsync(metered, channel, cancellationToken);
        }
        else
        {
            await metering.StartClientSessionAsync(metered, channel, cancellationToken);
            if (session.Policy is { } policy)
            {
                // A provider whose protected networks change sends SessionInfo again: records are judged under every
                // context it declared during the session (docs/protocol.md §5.3).
                _ = session.Control.Subscribe(ControlMessageTypes.SessionInfo, async (message, ct) =>
                {
                    if (SessionInfoMessage.TryParse(message.Payload.Span, out var parseError) is { } info && info.SessionId == session.SessionId
                        && info.TryReadPolicy(policy.Hash, out var document, out var context, out var policyError))
                    {
                        await metering.AddPolicyContextAsync(session.SessionId, context, ct);
                    }
                });
            }
        }
    }

    public async ValueTask OnSessionEndingAsync(GatewaySession session, SessionEndReason reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        await metering.EndingSessionAsync(session.SessionId, peerGone: reason == SessionEndReason.IdleTimeout, cancellationToken);
    }

    public async ValueTask OnSessionEndedAsync(GatewaySession session, SessionEndReason reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        await metering.EndSessionAsync(session.SessionId, cancellationToken);
    }
}
