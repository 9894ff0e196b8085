using Microsoft.Extensions.Logging;
using Oracle.Core.Eip712;
using VpnGateway.Metering.Capture;
using VpnGateway.Metering.Flows;
using VpnGateway.Metering.Sessions;
using VpnGateway.Metering.Signing;
using VpnGateway.Metering.Spool;
using VpnGateway.Sessions;

namespace VpnGateway.Metering;

/// <summary>What every metered session of this gateway shares.</summary>
/// <param name="Options">Settings.</param>
/// <param name="Spool">The durable spool.</param>
/// <param name="Signer">This gateway's key under the SessionManager's domain (provider: checkpoints; client: vouchers).</param>
/// <param name="Domain">The SessionManager's EIP-712 domain (chain id and address).</param>
/// <param name="Terminator">Ends a session's tunnel.</param>
/// <param name="Metrics">Counters.</param>
/// <param name="Time">The clock.</param>
/// <param name="Loggers">Loggers.</param>
/// <param name="OpenCapture">Opens the capture of a session's interface (tests open it inside a namespace).</param>
internal sealed record MeteringContext(
    MeteringOptions Options,
    EvidenceSpool Spool,
    IEvidenceSigner Signer,
    TypedDataDomain Domain,
    ISessionTerminator Terminator,
    MeteringMetrics Metrics,
    TimeProvider Time,
    ILoggerFactory Loggers,
    Func<string, ICapturedPacketSink, TunCapture> OpenCapture)
{
    /// <summary>The chain id as the bus messages carry it.</summary>
    public ulong ChainId => (ulong)Domain.ChainId;

    /// <summary>
    /// Starts capturing the session's interface into its flow meter and reports the capture's counters until
    /// <see cref="MeteringMetrics.RemoveCapture"/>; none for a session without an interface (in-process tests).
    /// </summary>
    public TunCapture? StartCapture(MeteredSession session, SessionFlowMeter flows)
    {
        if (session.InterfaceName is not { } name)
        {
            return null;
        }

        var capture = OpenCapture(name, flows);
        flows.SegmentMtu = capture.Mtu;
        capture.Start();
        Metrics.AddCapture(session.SessionId, () =>
        {
            var s = capture.Statistics;
            return (s.Received, s.Dropped, s.InterfaceDropped);
        });
        return capture;
    }
}
