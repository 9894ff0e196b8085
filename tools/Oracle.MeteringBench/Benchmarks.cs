using System.Numerics;
using Microsoft.Extensions.Logging;
using Oracle.Chain.Keys;
using Oracle.Core.Eip712;
using VpnGateway.Metering;
using VpnGateway.Metering.Capture;
using VpnGateway.Metering.Sessions;
using VpnGateway.Metering.Signing;
using VpnGateway.Metering.Spool;
using VpnGateway.Sessions;

namespace Oracle.MeteringBench;

/// <summary>What the commands share: development keys on the local chain, a context around a spool.</summary>
internal static class Benchmarks
{
    public const string SessionManager = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    public static readonly TypedDataDomain Domain = TypedDataDomain.SessionManager(DevelopmentKeys.LocalChainId, SessionManager);
    public static readonly Nethereum.Signer.EthECKey GatewayKey = DevelopmentKeys.Key(40);
    public static readonly Nethereum.Signer.EthECKey ClientKey = DevelopmentKeys.Key(41);
    public static readonly BigInteger PricePerMiB = 1_000_000_000_000_000;

    public static MeteredSession Session(ulong id, string? interfaceName, string clientPrefix)
        => new(id, interfaceName, [Oracle.Core.Policy.IpPrefix.Parse(clientPrefix)], ClientKey.GetPublicAddress(), GatewayKey.GetPublicAddress(), PricePerMiB);

    public static MeteringContext Context(MeteringOptions options, EvidenceSpool spool, Nethereum.Signer.EthECKey key, MeteringMetrics metrics, ILoggerFactory loggers)
        => new(options, spool, new KeyEvidenceSigner(key, Domain), Domain, new LoggingTerminator(loggers.CreateLogger<LoggingTerminator>()), metrics,
            TimeProvider.System, loggers, (name, sink) => TunCapture.Open(name, options.Capture, sink, loggers.CreateLogger<TunCapture>()));

    public static ILoggerFactory Loggers() => LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));

    /// <summary>No tunnel to end here: a cut-off is only logged.</summary>
    private sealed class LoggingTerminator(ILogger logger) : ISessionTerminator
    {
        public bool Terminate(ulong sessionId, string reason, bool refuseReconnection)
        {
            logger.LogWarning("session {Session} would be cut off: {Reason}", sessionId, reason);
            return false;
        }
    }
}
