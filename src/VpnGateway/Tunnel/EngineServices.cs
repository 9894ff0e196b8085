using Microsoft.Extensions.Logging;
using Oracle.Core.Policy;
using VpnGateway.Network;
using VpnGateway.Sessions;
using VpnGateway.Transport;
using VpnGateway.Tun;

namespace VpnGateway.Tunnel;

/// <summary>
/// What an engine is given: devices, clock, and the seams to metering. <see cref="Transports"/> are the UDP sockets of
/// one port (SO_REUSEPORT), one receive worker each; without it, <see cref="Transport"/> alone.
/// </summary>
internal sealed record EngineServices(
    IDatagramTransport Transport,
    ITunFactory TunFactory,
    INetworkConfigurator Network,
    TimeProvider Time,
    ILoggerFactory LoggerFactory,
    IPolicyDenialSink DenialSink,
    IReadOnlyList<ISessionObserver> Observers,
    IPolicyRateLimitSink? RateLimitSink = null,
    IReadOnlyList<IDatagramTransport>? Transports = null);
