using System.Collections.Concurrent;
using Oracle.Core.Evidence;

namespace Oracle.Core.Tests.Evidence;

/// <summary>The consumer's answer to each delivery: verify, store once by batch id, acknowledge (duplicates too) or reject.</summary>
public sealed class EvidenceBatchAcknowledgerTests
{
    [Fact]
    public async Task Acknowledge_ValidBatch_StoredAndAcceptedAsVerified()
    {
        var store = new MemoryStore();
        var batch = EvidenceBatchVerifierTests.Batch(recordCount: 3);

        var answer = await EvidenceBatchAcknowledger.AcknowledgeAsync(batch, store, "collector-1", CancellationToken.None);

        var accepted = Assert.IsType<EvidenceBatchAccepted>(answer.Message);
        Assert.Null(answer.Rejected);
        Assert.Equal(batch.BatchId, accepted.BatchId);
        Assert.Equal(batch.SessionId, accepted.SessionId);
        Assert.Equal(batch.Checkpoint.TreeSize, accepted.TreeSize);
        Assert.Equal(EvidenceBatchVerdict.Verified, accepted.Verdict);
        Assert.Equal("collector-1", accepted.Consumer);
        Assert.Single(store.Batches);
    }

    [Fact]
    public async Task Acknowledge_SameBatchDeliveredAgain_StoredOnceAndAcknowledgedAsDuplicate()
    {
        var store = new MemoryStore();
        var batch = EvidenceBatchVerifierTests.Batch(recordCount: 3);
        await EvidenceBatchAcknowledger.AcknowledgeAsync(batch, store, null, CancellationToken.None);

        var again = await EvidenceBatchAcknowledger.AcknowledgeAsync(batch with { SealedRecords = [.. batch.SealedRecords] }, store, null, CancellationToken.None);

        Assert.Equal(EvidenceBatchVerdict.Duplicate, again.Accepted!.Verdict);
        Assert.Single(store.Batches);
    }

    [Fact]
    public async Task Acknowledge_ForgedBatch_RejectedWithTheVerifiersReasonAndNotStored()
    {
        var store = new MemoryStore();
        var batch = EvidenceBatchVerifierTests.Batch(recordCount: 2);
        var forged = batch with { Checkpoint = batch.Checkpoint with { CaptureDrops = 5 } };

        var answer = await EvidenceBatchAcknowledger.AcknowledgeAsync(forged, store, null, CancellationToken.None);

        var rejected = Assert.IsType<EvidenceBatchRejected>(answer.Message);
        Assert.Equal(EvidenceBatchError.BadCheckpointSignature, rejected.Error);
        Assert.False(string.IsNullOrEmpty(rejected.Reason));
        Assert.Empty(store.Batches);
    }

    [Fact]
    public async Task Acknowledge_SameIdOtherContent_RejectedAsConflictingDuplicate()
    {
        var store = new MemoryStore();
        var batch = EvidenceBatchVerifierTests.Batch(recordCount: 2);
        await EvidenceBatchAcknowledger.AcknowledgeAsync(batch with { Voucher = null }, store, null, CancellationToken.None);

        var answer = await EvidenceBatchAcknowledger.AcknowledgeAsync(batch, store, null, CancellationToken.None);

        Assert.Equal(EvidenceBatchError.ConflictingDuplicate, answer.Rejected!.Error);
        Assert.Contains(batch.BatchId.ToString(), answer.Rejected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Digest_EveryFieldCounts_SameContentSameDigest()
    {
        var batch = EvidenceBatchVerifierTests.Batch(recordCount: 2);
        var digest = EvidenceBatchDigest.Compute(batch);

        Assert.Equal(digest, EvidenceBatchDigest.Compute(batch with { SealedRecords = [.. batch.SealedRecords.Select(r => r.ToArray())], Gateway = batch.Gateway.ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal) }));
        Assert.Equal(32, digest.Length);
        EvidenceBatch[] variants =
        [
            batch with { Voucher = null },
            batch with { Rejection = new ClientRejection { Reason = EpochRejectionReason.UnknownFlow, Detail = "x" } },
            batch with { Checkpoint = batch.Checkpoint with { EpochTime = batch.Checkpoint.EpochTime + 1 } },
            batch with { Voucher = batch.Voucher! with { CumulativeAmount = "1" } },
            batch with { SealedRecords = [.. batch.SealedRecords.Select(r => r.ToArray().Reverse().ToArray())] },
            batch with { FirstLeafIndex = batch.FirstLeafIndex + 1 },
            batch with { LeafHashes = [.. batch.LeafHashes.Reverse()] },
            batch with { CompactRange = [] },
            batch with { Client = null },
        ];
        Assert.All(variants, v => Assert.NotEqual(digest, EvidenceBatchDigest.Compute(v)));
    }

    private sealed class MemoryStore : IEvidenceBatchStore
    {
        public ConcurrentDictionary<Guid, byte[]> Batches { get; } = new();

        public ValueTask<EvidenceStoreOutcome> TryStoreAsync(EvidenceBatch batch, byte[] digest, CancellationToken cancellationToken)
        {
            if (Batches.TryAdd(batch.BatchId, digest))
            {
                return ValueTask.FromResult(EvidenceStoreOutcome.Stored);
            }

            return ValueTask.FromResult(Batches[batch.BatchId].AsSpan().SequenceEqual(digest) ? EvidenceStoreOutcome.Duplicate : EvidenceStoreOutcome.Conflict);
        }
    }
}
