using System.Diagnostics;
using Microsoft.Extensions.Logging;
using EvidenceCollector.Log;
using Oracle.Core.Evidence;

namespace EvidenceCollector.Ingestion;

/// <summary>
/// Decides a group of deliveries (<see cref="GroupCommitter"/>): the shared verification kit of Oracle.Core checks each
/// batch itself (id, records, counts, both signatures, voucher against checkpoint), the group's batches in parallel on
/// every core (the signatures are recovered by the native secp256k1); then each batch must be of this collector's
/// chain and SessionManager, of a session opened on-chain, signed by that session's provider and client; then
/// <see cref="EvidenceStore"/> checks that each continues its session's log to the checkpoint's root and stores the
/// group in one transaction. The answers are decided only after that commit.
/// </summary>
internal sealed class BatchIngestion(
    EvidenceStore store,
    ISessionDirectory sessions,
    LogIdentity identity,
    CollectorInstance instance,
    CollectorMetrics metrics,
    ILogger<BatchIngestion> logger)
{
    /// <summary>Raised after a group stored at least one batch (the sequencer wakes up).</summary>
    public event Action? Stored;

    /// <summary>
    /// Verifies and stores <paramref name="batches"/> (one transaction); one outcome per batch, in order:
    /// <see cref="IngestionOutcome.Deferred"/> for a batch whose session log has a gap before it (nothing written).
    /// </summary>
    /// <exception cref="Exception">The store failed: nothing of the group was written, nothing is to be answered.</exception>
    public async Task<IngestionOutcome[]> IngestGroupAsync(IReadOnlyList<EvidenceBatch> batches, CancellationToken cancellationToken)
        => await StoreAsync(await PrepareAsync(batches, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The part of deciding a group that needs no database (so it can run while the group before is stored): every
    /// batch verified, in parallel, and its session looked up on the chain.
    /// </summary>
    public async Task<PreparedGroup> PrepareAsync(IReadOnlyList<EvidenceBatch> batches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var started = Stopwatch.GetTimestamp();
        var checks = new (byte[] Digest, EvidenceBatchError Error, string Detail)[batches.Count];
        Parallel.For(0, batches.Count, new ParallelOptions { CancellationToken = cancellationToken }, i => checks[i] = Check(batches[i]));
        // The sessions of the group at once (a session first seen costs a read of the chain; then it is cached).
        var ids = batches.Where((_, i) => checks[i].Error == EvidenceBatchError.None).Select(b => b.SessionId).Distinct().ToList();
        var found = await Task.WhenAll(ids.Select(id => sessions.FindAsync(id, cancellationToken))).ConfigureAwait(false);
        var known = ids.Zip(found).ToDictionary(p => p.First, p => p.Second);

        var refusals = new List<(int Index, BatchRefusal Refusal)>();
        var verified = new List<(int Index, VerifiedBatch Batch)>();
        for (var i = 0; i < batches.Count; i++)
        {
            var batch = batches[i];
            var (digest, error, detail) = checks[i];
            if (error == EvidenceBatchError.None)
            {
                var session = known[batch.SessionId];
                (error, detail) = session is null
                    ? (EvidenceBatchError.UnknownSession, $"session {batch.SessionId} was never opened on the SessionManager")
                    : !SameAddress(batch.Gateway, session.Provider)
                        ? (EvidenceBatchError.NotSessionParty, $"the checkpoint is signed by {batch.Gateway}; session {batch.SessionId}'s provider is {session.Provider}")
                        : batch.Client is { } client && !SameAddress(client, session.Client)
                            ? (EvidenceBatchError.NotSessionParty, $"the voucher's signer is {client}; session {batch.SessionId}'s client is {session.Client}")
                            : (EvidenceBatchError.None, "");
                if (error == EvidenceBatchError.None)
                {
                    // The records are sealed under the session's evidence key (docs/protocol.md §5.5): stored as they
                    // came, with the leaf hashes the verifier checked against the signed root; the collector cannot open them.
                    verified.Add((i, new VerifiedBatch(batch, digest, session!)));
                    continue;
                }
            }

            refusals.Add((i, new BatchRefusal(batch, digest, error, detail)));
        }

        return new PreparedGroup(batches.Count, refusals, verified, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Stores a prepared group in one transaction; one outcome per batch, in the order they were given.</summary>
    /// <exception cref="Exception">The store failed: nothing of the group was written, nothing is to be answered.</exception>
    public async Task<IngestionOutcome[]> StoreAsync(PreparedGroup group, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        var (count, refusals, verified) = (group.Count, group.Refusals, group.Verified);
        var storing = Stopwatch.GetTimestamp();
        var results = await store.StoreGroupAsync(verified.Select(v => v.Batch).ToList(), refusals.Select(r => r.Refusal).ToList(), cancellationToken).ConfigureAwait(false);

        metrics.GroupDecided(count, group.Verifying, Stopwatch.GetElapsedTime(storing));

        // Committed: count, log and answer.
        var outcomes = new IngestionOutcome[count];
        foreach (var (index, refusal) in refusals)
        {
            outcomes[index] = Reject(refusal.Batch, refusal.Digest, refusal.Error, refusal.Detail);
        }

        var stored = false;
        for (var v = 0; v < verified.Count; v++)
        {
            var (index, (batch, digest, _)) = verified[v];
            var result = results[v];
            switch (result.Outcome)
            {
                case StoreOutcome.Stored:
                    metrics.Add(CollectorCounters.BatchesAccepted, reason: "verified");
                    metrics.Add(CollectorCounters.RecordsStored, batch.LeafHashes.Count);
                    stored = true;
                    outcomes[index] = Accepted(batch, digest, EvidenceBatchVerdict.Verified);
                    break;
                case StoreOutcome.Duplicate:
                    metrics.Add(CollectorCounters.BatchesAccepted, reason: "duplicate");
                    outcomes[index] = Accepted(batch, result.HeldDigest ?? digest, EvidenceBatchVerdict.Duplicate);
                    break;
                case StoreOutcome.Gap:
                    outcomes[index] = IngestionOutcome.Deferred;
                    break;
                default:
                    if (result.Outcome == StoreOutcome.Conflict)
                    {
                        metrics.Add(CollectorCounters.BatchesConflicting, reason: "conflicting-duplicate");
                        logger.LogError("session {Session}: the gateway {Gateway} published two versions of checkpoint {Size} (batch {Batch}); the second is kept as a conflict",
                            batch.SessionId, batch.Gateway, batch.Checkpoint.TreeSize, batch.BatchId);
                    }
                    else if (result.Outcome == StoreOutcome.Fork)
                    {
                        metrics.Add(CollectorCounters.BatchesConflicting, reason: "fork");
                        logger.LogError("session {Session}: {Detail} (batch {Batch}); kept as a conflict", batch.SessionId, result.Detail, batch.BatchId);
                    }

                    outcomes[index] = Reject(batch, digest, result.Refusal!.Value, result.Detail);
                    break;
            }
        }

        if (stored)
        {
            Stored?.Invoke();
        }

        return outcomes;
    }

    // What can be checked from the batch alone (CPU only: run in parallel).
    private (byte[] Digest, EvidenceBatchError Error, string Detail) Check(EvidenceBatch batch)
    {
        var digest = EvidenceBatchDigest.Compute(batch);
        var verification = EvidenceBatchVerifier.Verify(batch);
        if (verification.Error != EvidenceBatchError.None)
        {
            return (digest, verification.Error, verification.Detail);
        }

        // Sizes, indexes and times are stored as PostgreSQL bigints: a signed batch beyond them is refused, not retried.
        if (batch.Checkpoint.TreeSize > long.MaxValue || batch.Checkpoint.EpochTime > long.MaxValue || batch.Checkpoint.CaptureDrops > long.MaxValue)
        {
            return (digest, EvidenceBatchError.Malformed, "tree size, epoch time or capture drops above 2^63 - 1");
        }

        if (batch.ChainId != identity.ChainId || !SameAddress(batch.SessionManager, identity.SessionManager))
        {
            return (digest, EvidenceBatchError.UnknownSession,
                $"the batch is for SessionManager {batch.SessionManager} on chain {batch.ChainId}; this collector serves {identity.SessionManager} on chain {identity.ChainId}");
        }

        return (digest, EvidenceBatchError.None, "");
    }

    private IngestionOutcome Reject(EvidenceBatch batch, byte[] digest, EvidenceBatchError error, string detail)
    {
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
