using Microsoft.Extensions.Logging;
using Oracle.Core.Policy;
using VpnGateway.Network;
using VpnGateway.Sessions;
using VpnGateway.Transport;
using VpnGateway.Tun;

namespace VpnGateway.Tunnel;

/// <summary>What an engine is given: devices, clock, and the seams to metering.</summary>
internal sealed record EngineServices(
    IDatagramTransport Transport,
    ITunFactory TunFactory,
    INetworkConfigurator Network,
    TimeProvider Time,
    ILoggerFactory LoggerFactory,
    IPolicyDenialSink DenialSink,
    IReadOnlyList<ISessionObserver> Observers,
    IPolicyRateLimitSink? RateLimitSink = null);
