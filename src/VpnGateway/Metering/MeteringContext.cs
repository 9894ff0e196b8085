using Microsoft.Extensions.Logging;
using Oracle.Core.Policy;
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
/// <param name="OpenCapture">Opens the capture of a device (tests open it inside a namespace).</param>
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

    private readonly Dictionary<string, SharedCapture> _captures = [];

    /// <summary>
    /// Feeds the session's packets from the capture of its device to its flow meter, and reports the session's capture
    /// counters until <see cref="MeteringMetrics.RemoveCapture"/>. Every session on one device shares one capture (the
    /// provider's device carries them all); none for a session without an interface (in-process tests).
    /// </summary>
    /// <exception cref="CaptureException">The device cannot be captured.</exception>
    public CaptureAttachment? AttachCapture(MeteredSession session, SessionFlowMeter flows)
    {
        if (session.InterfaceName is not { } name)
        {
            return null;
        }

        SharedCapture shared;
        lock (_captures)
        {
            if (!_captures.TryGetValue(name, out shared!))
            {
                shared = new SharedCapture(name, sink => OpenCapture(name, sink));
                _captures[name] = shared;
                Metrics.AddDeviceCapture(name, () =>
                {
                    var s = shared.Statistics;
                    return (s.Received, s.Dropped, s.InterfaceDropped, shared.Unattributed);
                });
            }
        }

        var attachment = shared.Attach([.. session.ClientPrefixes], flows);
        Metrics.AddCapture(session.SessionId, () =>
        {
            var s = attachment.Statistics;
            return (s.Received, s.Dropped, s.InterfaceDropped);
        });
        return attachment;
    }

    /// <summary>The shared captures (one per device), for their malformed-packet counters.</summary>
    public IReadOnlyList<SharedCapture> Captures
    {
        get
        {
            lock (_captures)
            {
                return [.. _captures.Values];
            }
        }
    }

    /// <summary>Closes every capture (the gateway stops).</summary>
    public void CloseCaptures()
    {
        lock (_captures)
        {
            foreach (var capture in _captures.Values)
            {
                capture.Dispose();
            }
        }
    }
}
