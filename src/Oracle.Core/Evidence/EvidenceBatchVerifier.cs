using Oracle.Core.Eip712;
using Oracle.Core.Merkle;

namespace Oracle.Core.Evidence;

/// <summary>
/// Checks what can be checked on an <see cref="EvidenceBatch"/> alone: its id, the records' encoding and session, the
/// count against the checkpoint, and both signatures under the SessionManager's domain. Whether the records extend the
/// session's log to the checkpoint's root needs the log itself: append them to it and compare (the collector does).
/// </summary>
public static class EvidenceBatchVerifier
{
    /// <summary>Verifies <paramref name="batch"/>.</summary>
    /// <returns><see cref="EvidenceBatchError.None"/>, or the first problem found with a detail.</returns>
    public static (EvidenceBatchError Error, string Detail) Verify(EvidenceBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Records is null || batch.Checkpoint is null || batch.Checkpoint.Root is not { Length: MerkleHash.Size }
            || string.IsNullOrEmpty(batch.SessionManager) || string.IsNullOrEmpty(batch.Gateway) || (batch.Voucher is not null && string.IsNullOrEmpty(batch.Client)))
        {
            return (EvidenceBatchError.Malformed, "missing field, or a root that is not 32 bytes");
        }

        var expectedId = EvidenceBatchId.For(batch.ChainId, batch.SessionManager, batch.SessionId, batch.Checkpoint.TreeSize);
        if (batch.BatchId != expectedId)
        {
            return (EvidenceBatchError.BatchIdMismatch, $"batch id {batch.BatchId} should be {expectedId}");
        }

        if (batch.FirstLeafIndex > batch.Checkpoint.TreeSize || batch.Checkpoint.TreeSize - batch.FirstLeafIndex != (ulong)batch.Records.Count)
        {
            return (EvidenceBatchError.RecordCountMismatch, $"{batch.Records.Count} records from leaf {batch.FirstLeafIndex} do not reach tree size {batch.Checkpoint.TreeSize}");
        }

        for (var i = 0; i < batch.Records.Count; i++)
        {
            var error = FlowRecordEncoding.TryDecode(batch.Records[i], out var record);
            if (error != FlowRecordError.None)
            {
                return (EvidenceBatchError.BadRecord, $"record {i}: {FlowRecordEncoding.Describe(error)}");
            }

            if (record.SessionId != batch.SessionId)
            {
                return (EvidenceBatchError.RecordOfOtherSession, $"record {i} belongs to session {record.SessionId}");
            }
        }

        var domain = TypedDataDomain.SessionManager(batch.ChainId, batch.SessionManager);
        if (!TypedDataSigner.Verify(batch.Checkpoint.ToCheckpoint(batch.SessionId), domain, batch.Checkpoint.Signature ?? string.Empty, batch.Gateway))
        {
            return (EvidenceBatchError.BadCheckpointSignature, "the checkpoint is not signed by the gateway");
        }

        if (batch.Voucher is { } voucher)
        {
            if (voucher.LogSize != batch.Checkpoint.TreeSize || voucher.LogRoot is null || !voucher.LogRoot.AsSpan().SequenceEqual(batch.Checkpoint.Root))
            {
                return (EvidenceBatchError.VoucherMismatch, "the voucher commits to another log size or root than the checkpoint");
            }

            Voucher typed;
            try
            {
                typed = voucher.ToVoucher(batch.SessionId);
            }
            catch (FormatException)
            {
                return (EvidenceBatchError.Malformed, "the voucher's amount is not a decimal integer");
            }

            if (!TypedDataSigner.Verify(typed, domain, voucher.Signature ?? string.Empty, batch.Client!))
            {
                return (EvidenceBatchError.BadVoucherSignature, "the voucher is not signed by the client");
            }
        }

        return (EvidenceBatchError.None, "valid");
    }
}
