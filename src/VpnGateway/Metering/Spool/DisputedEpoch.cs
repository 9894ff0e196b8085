using Oracle.Core.Evidence;

namespace VpnGateway.Metering.Spool;

/// <summary>Client side: an epoch of the provider the client refused, kept with the provider's signed message for a dispute.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Sequence">The epoch's sequence number.</param>
/// <param name="Reason">Why it was refused.</param>
/// <param name="Detail">Which flow or field disagreed.</param>
/// <param name="Message">The provider's epoch message exactly as received (records and signed checkpoint).</param>
/// <param name="Observed">The client's own view of the disputed flows (JSON).</param>
/// <param name="ReceivedAtMs">When it arrived, Unix milliseconds.</param>
internal sealed record DisputedEpoch(ulong SessionId, ulong Sequence, EpochRejectionReason Reason, string Detail, byte[] Message, string Observed, long ReceivedAtMs);
