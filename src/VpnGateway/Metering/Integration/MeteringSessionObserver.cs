using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Logging;
using VpnGateway.Metering.Sessions;
using VpnGateway.Metering.Signing;
using VpnGateway.Sessions;

namespace VpnGateway.Metering.Integration;

/// <summary>
/// Starts and ends metering with the tunnel's sessions: a provider session is metered as provider (capture of its TUN
/// interface, checkpoints signed with this gateway's key), a client session as client (own capture, vouchers).
/// </summary>
internal sealed class MeteringSessionObserver(
    MeteringService metering,
    MeteringOptions options,
    IEvidenceSigner signer,
    ControlChannelTerminator terminator,
    ILoggerFactory loggers) : ISessionObserver
{
    private readonly ILogger _logger = loggers.CreateLogger<MeteringSessionObserver>();

    public async ValueTask OnSessionStartedAsync(GatewaySession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var price = BigInteger.Parse(options.PricePerMiB, NumberStyles.None, CultureInfo.InvariantCulture);
        var prefixes = session.ClientPrefixes.Select(p => p.ToString()).ToList();
        var channel = new TunnelEvidenceChannel(session.Control, loggers.CreateLogger<TunnelEvidenceChannel>());
        terminator.Register(session.Control);
        if (session.Role == GatewayRole.Provider)
        {
            if (session.ClientAddress is null)
            {
                _logger.LogWarning("session {Session} has no client address (pinned tunnel key): its evidence is published without vouchers", session.SessionId);
            }

            await metering.StartProviderSessionAsync(new MeteredSession(session.SessionId, session.InterfaceName, prefixes, session.ClientAddress, signer.Address, price), channel, cancellationToken);
        }
        else if (options.ProviderAddress is { Length: > 0 } provider)
        {
            await metering.StartClientSessionAsync(new MeteredSession(session.SessionId, session.InterfaceName, prefixes, signer.Address, provider, price), channel, cancellationToken);
        }
        else
        {
            _logger.LogError("session {Session}: Metering:ProviderAddress is not set, so the provider's checkpoints cannot be checked; the session is not metered and no voucher is signed", session.SessionId);
        }
    }

    public async ValueTask OnSessionEndedAsync(GatewaySession session, SessionEndReason reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        terminator.Unregister(session.SessionId);
        await metering.EndSessionAsync(session.SessionId, cancellationToken);
    }
}
