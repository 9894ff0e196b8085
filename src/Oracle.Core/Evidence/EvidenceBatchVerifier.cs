using Oracle.Core.Eip712;
using Oracle.Core.Merkle;

namespace Oracle.Core.Evidence;

/// <summary>
/// Checks an <see cref="EvidenceBatch"/> from the batch alone (docs/protocol.md §5.4), as a collector can without the
/// session's evidence key: its id, the count of leaf hashes and sealed records against the checkpoint, the root — the
/// leaf hashes appended to the batch's compact range (the session log before it) give the checkpoint's root — the
/// gateway's checkpoint signature, and the voucher (same size and root, signed by the client). With <c>previous</c>,
/// the session's last checkpoint the consumer holds, it also checks that the batch continues that log (no fork). It runs
/// <see cref="SessionLogVerifier"/>. Whether each sealed record opens to its leaf hash needs the key
/// (<see cref="RecordSealer.Open"/>: the parties, the oracles).
/// </summary>
public static class EvidenceBatchVerifier
{
    /// <summary>Verifies <paramref name="batch"/>.</summary>
    /// <param name="batch">The batch as delivered.</param>
    /// <param name="previous">
    /// The head of the session's log the consumer already holds (its verified checkpoint with the largest tree size not
    /// above <see cref="EvidenceBatch.FirstLeafIndex"/>), or null. When its size is the batch's first leaf index, the
    /// batch's compact range must have its root (<see cref="EvidenceBatchError.NotAnExtension"/>); a smaller one cannot
    /// be compared (the batches between are missing) and is ignored.
    /// </param>
    /// <returns>Valid with the log's heads before and after the batch, or the first problem found with a detail.</returns>
    public static EvidenceBatchVerification Verify(EvidenceBatch batch, TreeHead? previous = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.LeafHashes is null || batch.SealedRecords is null || batch.Checkpoint is null || batch.Checkpoint.Root is not { Length: MerkleHash.Size }
            || string.IsNullOrEmpty(batch.SessionManager) || string.IsNullOrEmpty(batch.Gateway) || (batch.Voucher is not null && string.IsNullOrEmpty(batch.Client)))
        {
            return new(EvidenceBatchError.Malformed, "missing field, or a root that is not 32 bytes");
        }

        var expectedId = EvidenceBatchId.For(batch.ChainId, batch.SessionManager, batch.SessionId, batch.Checkpoint.TreeSize);
        if (batch.BatchId != expectedId)
        {
            return new(EvidenceBatchError.BatchIdMismatch, $"batch id {batch.BatchId} should be {expectedId}");
        }

        if (batch.FirstLeafIndex > batch.Checkpoint.TreeSize || batch.Checkpoint.TreeSize - batch.FirstLeafIndex != (ulong)batch.LeafHashes.Count
            || batch.LeafHashes.Count == 0 || batch.SealedRecords.Count != batch.LeafHashes.Count)
        {
            return new(EvidenceBatchError.RecordCountMismatch,
                $"{batch.LeafHashes.Count} leaf hashes and {batch.SealedRecords.Count} sealed records from leaf {batch.FirstLeafIndex} do not reach tree size {batch.Checkpoint.TreeSize}");
        }

        for (var i = 0; i < batch.SealedRecords.Count; i++)
        {
            if (batch.SealedRecords[i] is not { Length: RecordSealer.SealedSize })
            {
                return new(EvidenceBatchError.Malformed, $"sealed record {i} is not {RecordSealer.SealedSize} bytes");
            }
        }

        if (!Merkle.CompactRange.TryCreate(batch.FirstLeafIndex, batch.CompactRange ?? [], out var range))
        {
            return new(EvidenceBatchError.Malformed, $"the compact range of the log's first {batch.FirstLeafIndex} leaves must have {System.Numerics.BitOperations.PopCount(batch.FirstLeafIndex)} hashes of 32 bytes");
        }

        var prior = range.Head();
        if (previous is not null && previous.Size == batch.FirstLeafIndex && !previous.Matches(prior))
        {
            return new(EvidenceBatchError.NotAnExtension, $"the batch continues a log of {prior.Size} leaves whose root is not the session's checkpoint's of that size");
        }

        var parties = new SessionLogParties(batch.SessionId, TypedDataDomain.SessionManager(batch.ChainId, batch.SessionManager), batch.Gateway, batch.Client);
        var log = SessionLogVerifier.Resume(parties, range, 0, null);
        var appended = log.AppendLeafHashes(batch.FirstLeafIndex, batch.LeafHashes, batch.Checkpoint);
        if (!appended.IsValid)
        {
            return new(Map(appended.Error), appended.Detail);
        }

        if (batch.Voucher is { } voucher)
        {
            var checkedVoucher = log.CheckVoucher(voucher);
            if (!checkedVoucher.IsValid || voucher.LogSize != batch.Checkpoint.TreeSize)
            {
                return new(checkedVoucher.IsValid ? EvidenceBatchError.VoucherMismatch : Map(checkedVoucher.Error),
                    checkedVoucher.IsValid ? "the voucher commits to another log size than the checkpoint" : checkedVoucher.Detail);
            }
        }

        return new(EvidenceBatchError.None, "valid", prior, log.Head());
    }

    private static EvidenceBatchError Map(SessionLogError error) => error switch
    {
        SessionLogError.BadRecord => EvidenceBatchError.BadRecord,
        SessionLogError.RecordOfOtherSession => EvidenceBatchError.RecordOfOtherSession,
        SessionLogError.BadCheckpointSignature => EvidenceBatchError.BadCheckpointSignature,
        SessionLogError.RootMismatch => EvidenceBatchError.RootMismatch,
        SessionLogError.NotAnExtension => EvidenceBatchError.RecordCountMismatch,
        SessionLogError.VoucherForUnknownCheckpoint or SessionLogError.VoucherRootMismatch or SessionLogError.VoucherBytesMismatch => EvidenceBatchError.VoucherMismatch,
        SessionLogError.BadVoucherSignature => EvidenceBatchError.BadVoucherSignature,
        _ => EvidenceBatchError.Malformed,
    };
}
