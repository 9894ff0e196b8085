namespace Oracle.Core.Evidence;

/// <summary>
/// The consumer's side of the evidence acknowledgement (docs/protocol.md §5.4), for any consumer of
/// <see cref="EvidenceBatch"/> messages (the evidence collector, the tests): verify the batch
/// (<see cref="EvidenceBatchVerifier"/>), store it once (<see cref="IEvidenceBatchStore"/>, deduplicating by batch id), and
/// answer. A valid batch is acknowledged whether it was stored now or was already held, so a gateway whose
/// acknowledgement was lost learns on the re-publication; a wrong batch, or one that conflicts with a held batch of the
/// same id, is rejected with the reason. Send <see cref="EvidenceBatchAcknowledgement.Message"/> to the batch message's
/// response address (MassTransit: <c>await context.RespondAsync(ack.Message)</c>) only after this returned: the answer
/// must never run ahead of the store.
/// </summary>
public static class EvidenceBatchAcknowledger
{
    /// <summary>Verifies, stores and decides the answer for one delivery of <paramref name="batch"/>.</summary>
    /// <param name="batch">The delivered batch.</param>
    /// <param name="store">The consumer's durable, deduplicating store.</param>
    /// <param name="consumer">The consumer's name, put into the answer for the gateway's logs.</param>
    /// <param name="cancellationToken">Cancels the store (the delivery is then retried by the bus).</param>
    public static async ValueTask<EvidenceBatchAcknowledgement> AcknowledgeAsync(EvidenceBatch batch, IEvidenceBatchStore store, string? consumer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(store);
        var treeSize = batch.Checkpoint?.TreeSize ?? 0;
        var digest = EvidenceBatchDigest.Compute(batch);
        var verification = EvidenceBatchVerifier.Verify(batch);
        if (!verification.IsValid)
        {
            return Rejected(batch, treeSize, digest, verification.Error, verification.Detail, consumer);
        }

        var outcome = await store.TryStoreAsync(batch, digest, cancellationToken).ConfigureAwait(false);
        return outcome switch
        {
            EvidenceStoreOutcome.Stored => Accepted(batch, treeSize, digest, EvidenceBatchVerdict.Verified, consumer),
            EvidenceStoreOutcome.Duplicate => Accepted(batch, treeSize, digest, EvidenceBatchVerdict.Duplicate, consumer),
            _ => Rejected(batch, treeSize, digest, EvidenceBatchError.ConflictingDuplicate,
                $"a different batch with id {batch.BatchId} (session {batch.SessionId}, tree size {treeSize}) is already held", consumer),
        };
    }

    private static EvidenceBatchAcknowledgement Accepted(EvidenceBatch batch, ulong treeSize, byte[] digest, EvidenceBatchVerdict verdict, string? consumer)
        => new(new EvidenceBatchAccepted { BatchId = batch.BatchId, SessionId = batch.SessionId, TreeSize = treeSize, Digest = digest, Verdict = verdict, Consumer = consumer }, null);

    private static EvidenceBatchAcknowledgement Rejected(EvidenceBatch batch, ulong treeSize, byte[] digest, EvidenceBatchError error, string detail, string? consumer)
        => new(null, new EvidenceBatchRejected { BatchId = batch.BatchId, SessionId = batch.SessionId, TreeSize = treeSize, Digest = digest, Error = error, Reason = detail, Consumer = consumer });
}
