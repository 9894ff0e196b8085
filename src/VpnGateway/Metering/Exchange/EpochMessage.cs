using Oracle.Core.Evidence;

namespace VpnGateway.Metering.Exchange;

/// <summary>Provider → client: checkpoint <see cref="Sequence"/> of the session, its new records and the signed checkpoint.</summary>
internal sealed record EpochMessage(ulong SessionId, ulong Sequence, ulong FirstLeafIndex, IReadOnlyList<byte[]> Records, SignedCheckpoint Checkpoint);
