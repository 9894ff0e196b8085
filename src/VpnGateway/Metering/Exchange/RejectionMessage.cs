using Oracle.Core.Evidence;

namespace VpnGateway.Metering.Exchange;

/// <summary>Client → provider: epoch <see cref="Sequence"/> is refused.</summary>
internal sealed record RejectionMessage(ulong SessionId, ulong Sequence, EpochRejectionReason Reason, string Detail);
