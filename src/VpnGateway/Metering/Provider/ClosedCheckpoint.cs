using Oracle.Core.Eip712;

namespace VpnGateway.Metering.Provider;

/// <summary>Records just appended to a session's log, and the (unsigned) checkpoint of the log after them.</summary>
/// <param name="Sequence">The checkpoint's number in the session, from 1.</param>
/// <param name="FirstLeafIndex">The tree size before the records.</param>
/// <param name="CompactRange">The log before the records (its compact range's hashes, largest subtree first).</param>
/// <param name="Records">The encoded records, in leaf order.</param>
/// <param name="LeafHashes">Their leaf hashes, 32 bytes each.</param>
/// <param name="Checkpoint">The checkpoint to sign.</param>
/// <param name="AllowedOctets">Octets of allowed records in the whole log so far (what the client pays for).</param>
internal sealed record ClosedCheckpoint(ulong Sequence, ulong FirstLeafIndex, IReadOnlyList<byte[]> CompactRange, IReadOnlyList<byte[]> Records, byte[] LeafHashes, Checkpoint Checkpoint, ulong AllowedOctets);
