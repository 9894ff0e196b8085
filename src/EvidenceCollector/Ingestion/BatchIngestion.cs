using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using EvidenceCollector.Log;
using Oracle.Core.Evidence;

namespace EvidenceCollector.Ingestion;

/// <summary>
/// Decides one delivery of an evidence batch: the shared verification kit of Oracle.Core checks the batch itself (id,
/// records, counts, both signatures, voucher against checkpoint); then the batch must be of this collector's chain and
/// SessionManager, of a session opened on-chain, signed by that session's provider and client; then
/// <see cref="EvidenceStore"/> checks that it continues the session's log to the checkpoint's root and stores it once.
/// The answer is decided only after the store committed.
/// </summary>
internal sealed class BatchIngestion(
    EvidenceStore store,
    ISessionDirectory sessions,
    LogIdentity identity,
    CollectorInstance instance,
    IOptions<IngestionOptions> options,
    CollectorMetrics metrics,
    TimeProvider time,
    ILogger<BatchIngestion> logger)
{
    /// <summary>Raised after a batch was stored (the sequencer wakes up).</summary>
    public event Action? Stored;

    /// <summary>Verifies, stores and answers one delivery.</summary>
    public async Task<IngestionOutcome> IngestAsync(EvidenceBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var digest = EvidenceBatchDigest.Compute(batch);
        var verification = EvidenceBatchVerifier.Verify(batch);
        if (verification.Error != EvidenceBatchError.None)
        {
            return await RejectAsync(batch, digest, verification.Error, verification.Detail, cancellationToken);
        }

        // Sizes, indexes and times are stored as PostgreSQL bigints: a signed batch beyond them is refused, not retried.
        if (batch.Checkpoint.TreeSize > long.MaxValue || batch.Checkpoint.EpochTime > long.MaxValue || batch.Checkpoint.CaptureDrops > long.MaxValue)
        {
            return await RejectAsync(batch, digest, EvidenceBatchError.Malformed, "tree size, epoch time or capture drops above 2^63 - 1", cancellationToken);
        }

        if (batch.ChainId != identity.ChainId || !SameAddress(batch.SessionManager, identity.SessionManager))
        {
            return await RejectAsync(batch, digest, EvidenceBatchError.UnknownSession,
                $"the batch is for SessionManager {batch.SessionManager} on chain {batch.ChainId}; this collector serves {identity.SessionManager} on chain {identity.ChainId}", cancellationToken);
        }

        var session = await sessions.FindAsync(batch.SessionId, cancellationToken);
        if (session is null)
        {
            return await RejectAsync(batch, digest, EvidenceBatchError.UnknownSession, $"session {batch.SessionId} was never opened on the SessionManager", cancellationToken);
        }

        if (!SameAddress(batch.Gateway, session.Provider))
        {
            return await RejectAsync(batch, digest, EvidenceBatchError.NotSessionParty,
                $"the checkpoint is signed by {batch.Gateway}; session {batch.SessionId}'s provider is {session.Provider}", cancellationToken);
        }

        if (batch.Client is { } client && !SameAddress(client, session.Client))
        {
            return await RejectAsync(batch, digest, EvidenceBatchError.NotSessionParty,
                $"the voucher's signer is {client}; session {batch.SessionId}'s client is {session.Client}", cancellationToken);
        }

        // The records are sealed under the session's evidence key (docs/protocol.md §5.5): stored as they came, with the
        // leaf hashes the verifier checked against the signed root; the collector cannot open them.
        var result = await StoreWaitingForGapAsync(batch, digest, session, cancellationToken);
        switch (result.Outcome)
        {
            case StoreOutcome.Stored:
                metrics.Add(CollectorCounters.BatchesAccepted, reason: "verified");
                metrics.Add(CollectorCounters.RecordsStored, batch.LeafHashes.Count);
                Stored?.Invoke();
                return Accepted(batch, digest, EvidenceBatchVerdict.Verified);
            case StoreOutcome.Duplicate:
                metrics.Add(CollectorCounters.BatchesAccepted, reason: "duplicate");
                return Accepted(batch, result.HeldDigest ?? digest, EvidenceBatchVerdict.Duplicate);
            case StoreOutcome.Conflict:
                metrics.Add(CollectorCounters.BatchesConflicting, reason: "conflicting-duplicate");
                logger.LogError("session {Session}: the gateway {Gateway} published two versions of checkpoint {Size} (batch {Batch}); the second is kept as a conflict",
                    batch.SessionId, batch.Gateway, batch.Checkpoint.TreeSize, batch.BatchId);
                return await RejectAsync(batch, digest, EvidenceBatchError.ConflictingDuplicate, result.Detail, cancellationToken);
            case StoreOutcome.Fork:
                metrics.Add(CollectorCounters.BatchesConflicting, reason: "fork");
                logger.LogError("session {Session}: {Detail} (batch {Batch}); kept as a conflict", batch.SessionId, result.Detail, batch.BatchId);
                return await RejectAsync(batch, digest, EvidenceBatchError.NotAnExtension, result.Detail, cancellationToken);
            case StoreOutcome.RootMismatch:
                return await RejectAsync(batch, digest, EvidenceBatchError.RootMismatch, result.Detail, cancellationToken);
            case StoreOutcome.TimeReversed:
                return await RejectAsync(batch, digest, EvidenceBatchError.TimeReversed, result.Detail, cancellationToken);
            default:
                metrics.Add(CollectorCounters.BatchesDeferred);
                logger.LogWarning("batch {Batch} of session {Session} deferred: {Detail}; the gateway publishes it again", batch.BatchId, batch.SessionId, result.Detail);
                return IngestionOutcome.Deferred;
        }
    }

    // A batch after a gap is usually one whose predecessor another process is storing right now: wait for it a little.
    private async Task<StoreResult> StoreWaitingForGapAsync(EvidenceBatch batch, byte[] digest, OnChainSession session, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + options.Value.GapWait;
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var result = await store.StoreAsync(batch, digest, batch.LeafHashes, batch.SealedRecords, session, cancellationToken);
            if (result.Outcome != StoreOutcome.Gap || time.GetUtcNow() + delay > deadline)
            {
                return result;
            }

            await Task.Delay(delay, time, cancellationToken);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
        }
    }

    private async Task<IngestionOutcome> RejectAsync(EvidenceBatch batch, byte[] digest, EvidenceBatchError error, string detail, CancellationToken cancellationToken)
    {
        await store.RecordRejectionAsync(batch, digest, error, detail, cancellationToken);
        metrics.Add(CollectorCounters.BatchesRejected, reason: error.ToString());
        logger.LogWarning("batch {Batch} of session {Session} (tree size {Size}) rejected: {Error}: {Detail}",
            batch.BatchId, batch.SessionId, batch.Checkpoint?.TreeSize, error, detail);
        return new IngestionOutcome(null, new EvidenceBatchRejected
        {
            BatchId = batch.BatchId,
            SessionId = batch.SessionId,
            TreeSize = batch.Checkpoint?.TreeSize ?? 0,
            Digest = digest,
            Error = error,
            Reason = detail,
            Consumer = instance.Name,
        });
    }

    private IngestionOutcome Accepted(EvidenceBatch batch, byte[] digest, EvidenceBatchVerdict verdict) => new(new EvidenceBatchAccepted
    {
        BatchId = batch.BatchId,
        SessionId = batch.SessionId,
        TreeSize = batch.Checkpoint.TreeSize,
        Digest = digest,
        Verdict = verdict,
        Consumer = instance.Name,
    }, null);

    private static bool SameAddress(string? a, string? b) => a is not null && b is not null && string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
