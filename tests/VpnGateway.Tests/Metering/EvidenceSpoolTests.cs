using Microsoft.Data.Sqlite;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;
using VpnGateway.Metering.Spool;

namespace VpnGateway.Tests.Metering;

public sealed class EvidenceSpoolTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("metering-spool-").FullName;

    private string SpoolPath => Path.Combine(_folder, "spool.db");

    [Fact]
    public void Due_BatchWithoutVoucher_WaitsUntilPublishAfter()
    {
        using var spool = EvidenceSpool.Open(SpoolPath);
        AddCheckpoint(spool, Batch(1, 3), 1, 300, publishAfterMs: 1000);

        Assert.Empty(spool.Due(999, 10));
        Assert.Single(spool.Due(1000, 10));
    }

    [Fact]
    public void AttachVoucher_MakesThisAndEarlierBatchesDue()
    {
        using var spool = EvidenceSpool.Open(SpoolPath);
        AddCheckpoint(spool, Batch(1, 3), 1, 300, 1000);
        AddCheckpoint(spool, Batch(1, 5, first: 3), 2, 500, 2000);
        var raised = 0;
        spool.BatchReady += () => raised++;

        Assert.True(spool.AttachVoucher(1, 5, Voucher(5)));

        var due = spool.Due(0, 10);
        Assert.Equal(2, due.Count);
        Assert.Null(due[0].Voucher);
        Assert.Equal(5UL, due[1].Voucher!.LogSize);
        Assert.Equal(1, raised);
    }

    [Fact]
    public void AttachVoucher_BatchAlreadyPublished_ReturnsFalse()
    {
        using var spool = EvidenceSpool.Open(SpoolPath);
        var batch = Batch(1, 3);
        AddCheckpoint(spool, batch, 1, 300, 0);
        spool.MarkPublished(batch.BatchId, 10_000);

        Assert.False(spool.AttachVoucher(1, 3, Voucher(3)));
        Assert.Null(Assert.Single(spool.Due(10_000, 10)).Voucher); // published content never changes under its id
    }

    [Fact]
    public void AttachVoucher_BatchHandedToThePublisherButNotYetConfirmed_LeavesItUnchanged()
    {
        using var spool = EvidenceSpool.Open(SpoolPath);
        AddCheckpoint(spool, Batch(1, 3), 1, 300, publishAfterMs: 0);
        var handedOut = Assert.Single(spool.Due(1_000, 10));

        Assert.False(spool.AttachVoucher(1, 3, Voucher(3)));
        Assert.Null(handedOut.Voucher);
        Assert.Null(Assert.Single(spool.Due(1_000, 10)).Voucher); // offered again (not confirmed) exactly as handed out
    }

    [Fact]
    public void MarkPublished_KeptUntilTheCollectorAcknowledges_OfferedAgainAfterTheTimeout()
    {
        using var spool = EvidenceSpool.Open(SpoolPath);
        var batch = Batch(1, 3);
        AddCheckpoint(spool, batch, 1, 300, 0);

        spool.MarkPublished(batch.BatchId, acknowledgeByMs: 5000);

        Assert.Empty(spool.Due(4999, 10));
        Assert.Equal(1, spool.Pending);
        Assert.Equal(1, spool.AwaitingAcknowledgement);
        Assert.Equal(batch.BatchId, Assert.Single(spool.Due(5000, 10)).BatchId);
        Assert.Equal(1, spool.Publications(batch.BatchId));
        var digest = EvidenceBatchDigest.Compute(Assert.Single(spool.Peek(5000, 10)));
        Assert.Equal(AcknowledgementOutcome.OtherContent, spool.Acknowledge(batch.BatchId, new byte[32]));
        Assert.Equal(1, spool.Pending);
        Assert.Equal(AcknowledgementOutcome.Removed, spool.Acknowledge(batch.BatchId, digest));
        Assert.Equal(AcknowledgementOutcome.NotSpooled, spool.Acknowledge(batch.BatchId, digest));
        Assert.Equal(0, spool.Pending);
        Assert.Empty(spool.Entries());
    }

    [Fact]
    public void Reject_QuarantinedWithTheReason_NeverOfferedAgain()
    {
        using var spool = EvidenceSpool.Open(SpoolPath);
        var batch = Batch(1, 3);
        AddCheckpoint(spool, batch, 1, 300, 0);
        spool.MarkPublished(batch.BatchId, 5000);

        var digest = EvidenceBatchDigest.Compute(Assert.Single(spool.Peek(5000, 10)));
        Assert.Equal(RejectionOutcome.Quarantined, spool.Reject(batch.BatchId, digest, "BadVoucherSignature: not the client"));
        spool.MarkPublished(batch.BatchId, 6000); // a late broker confirmation does not revive it
        Assert.Equal(AcknowledgementOutcome.NotSpooled, spool.Acknowledge(batch.BatchId, digest)); // nor deletes it

        Assert.Empty(spool.Due(long.MaxValue, 10));
        Assert.Equal(0, spool.Pending);
        Assert.Equal(1, spool.Quarantined);
        var entry = Assert.Single(spool.Entries());
        Assert.Equal(SpoolState.Rejected, entry.State);
        Assert.Equal("BadVoucherSignature: not the client", entry.LastError);
        Assert.Equal(batch.SealedRecords, entry.Batch!.SealedRecords);
        Assert.Equal(3, entry.Records.Count);
    }

    [Fact]
    public void Reject_ForgedWithTheIdAlone_NothingQuarantined()
    {
        // Issue 10 item 12: the batch id is a hash of public values; a rejection without the published content's digest
        // quarantines nothing, and a batch still waiting for its voucher cannot be rejected at all.
        using var spool = EvidenceSpool.Open(SpoolPath);
        var published = Batch(1, 3);
        var waiting = Batch(1, 5, first: 3);
        AddCheckpoint(spool, published, 1, 300, 0);
        spool.MarkPublished(published.BatchId, 5000);
        AddCheckpoint(spool, waiting, 2, 500, long.MaxValue);
        var waitingDigest = EvidenceBatchDigest.Compute(Assert.Single(spool.Entries(), e => e.BatchId == waiting.BatchId).Batch!);

        Assert.Equal(RejectionOutcome.OtherContent, spool.Reject(published.BatchId, new byte[32], "forged"));
        Assert.Equal(RejectionOutcome.OtherContent, spool.Reject(published.BatchId, [], "forged"));
        Assert.Equal(RejectionOutcome.NotPublished, spool.Reject(waiting.BatchId, waitingDigest, "forged"));
        Assert.Equal(RejectionOutcome.NotPublished, spool.Reject(Guid.NewGuid(), waitingDigest, "forged"));

        Assert.Equal(0, spool.Quarantined);
        Assert.Equal(2, spool.Pending);
    }

    [Fact]
    public void ReleaseSession_BatchesWaitingForAVoucher_DueNow()
    {
        using var spool = EvidenceSpool.Open(SpoolPath);
        AddCheckpoint(spool, Batch(1, 3), 1, 300, publishAfterMs: 100_000);
        AddCheckpoint(spool, Batch(2, 3), 1, 300, publishAfterMs: 100_000);
        var raised = 0;
        spool.BatchReady += () => raised++;

        spool.ReleaseSession(1);

        Assert.Equal(1UL, Assert.Single(spool.Due(0, 10)).SessionId);
        Assert.Equal(1, raised);
    }

    [Fact]
    public void Open_SameFileAgain_SameId()
    {
        Guid id;
        using (var spool = EvidenceSpool.Open(SpoolPath))
        {
            id = spool.Id;
        }

        using var reopened = EvidenceSpool.Open(SpoolPath);
        using var other = EvidenceSpool.Open(Path.Combine(_folder, "other.db"));

        Assert.Equal(id, reopened.Id);
        Assert.NotEqual(id, other.Id);
    }

    [Fact]
    public void Open_SpoolOfTheFirstVersion_MigratedWithItsBatchesAndQuarantine()
    {
        using (var raw = new SqliteConnection($"Data Source={SpoolPath};Pooling=False"))
        {
            raw.Open();
            using var create = raw.CreateCommand();
            create.CommandText = """
                CREATE TABLE batches (batch_id TEXT PRIMARY KEY, session_id INTEGER NOT NULL, tree_size INTEGER NOT NULL, body TEXT NOT NULL,
                    records BLOB NOT NULL, ready INTEGER NOT NULL, publish_after_ms INTEGER NOT NULL, next_attempt_ms INTEGER NOT NULL DEFAULT 0,
                    attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, quarantined INTEGER NOT NULL DEFAULT 0, UNIQUE (session_id, tree_size));
                INSERT INTO batches (batch_id, session_id, tree_size, body, records, ready, publish_after_ms, quarantined)
                    VALUES ('00000000-0000-0000-0000-000000000001', 1, 1, '{}', x'', 1, 0, 0),
                           ('00000000-0000-0000-0000-000000000002', 1, 2, '{not json', x'', 1, 0, 1);
                """;
            create.ExecuteNonQuery();
        }

        using var spool = EvidenceSpool.Open(SpoolPath);

        Assert.Equal(1, spool.Pending);
        Assert.Equal(1, spool.Quarantined);
        Assert.Equal([SpoolState.Spooled, SpoolState.Unreadable], spool.Entries().Select(e => e.State));
    }

    [Fact]
    public void Reopen_AfterDispose_EverythingStillThere()
    {
        var batch = Batch(7, 4);
        using (var spool = EvidenceSpool.Open(SpoolPath))
        {
            AddCheckpoint(spool, batch, 1, 400, 0);
            spool.AttachVoucher(7, 4, Voucher(4));
        }

        using var reopened = EvidenceSpool.Open(SpoolPath);
        var due = Assert.Single(reopened.Due(0, 10));
        Assert.Equal(batch.BatchId, due.BatchId);
        Assert.Equal(batch.SealedRecords, due.SealedRecords);
        Assert.Equal(batch.LeafHashes, due.LeafHashes);
        Assert.Equal(batch.Checkpoint.Root, due.Checkpoint.Root);
        Assert.Equal(4UL, due.Voucher!.LogSize);
        var log = reopened.LoadSession(7)!;
        Assert.Equal(Hashes(4), log.LeafHashes);
        Assert.Equal(4UL, log.LastVoucherLogSize);
    }

    [Fact]
    public void Open_UsesWalAndFullSynchronous()
    {
        using var spool = EvidenceSpool.Open(SpoolPath);
        AddCheckpoint(spool, Batch(1, 1), 1, 100, 0);

        Assert.True(File.Exists(SpoolPath + "-wal"));
    }

    [Fact]
    public void Postpone_HidesUntilNextAttemptAndCounts()
    {
        using var spool = EvidenceSpool.Open(SpoolPath);
        var batch = Batch(1, 2);
        AddCheckpoint(spool, batch, 1, 200, 0);

        spool.Postpone(batch.BatchId, 5000, "broker down");
        spool.Postpone(batch.BatchId, 6000, "broker down");

        Assert.Empty(spool.Due(5999, 10));
        Assert.Single(spool.Due(6000, 10));
        Assert.Equal(2, spool.Attempts(batch.BatchId));
        Assert.Equal(1, spool.Pending);
    }

    [Fact]
    public void LoadSession_SeveralCheckpoints_RebuildsTheLogInOrder()
    {
        using var spool = EvidenceSpool.Open(SpoolPath);
        var hashes = Hashes(5);
        AddCheckpoint(spool, Batch(3, 2), 1, 200, 0);
        AddCheckpoint(spool, Batch(3, 5, first: 2) with { Checkpoint = Batch(3, 5, first: 2).Checkpoint with { CaptureDrops = 9 } }, 2, 500, 0);

        var log = spool.LoadSession(3)!;

        Assert.Equal(hashes, log.LeafHashes);
        Assert.Equal([(2UL, 200UL), (5UL, 500UL)], log.Checkpoints);
        Assert.Equal(2UL, log.LastSequence);
        Assert.Equal(9UL, log.LastCaptureDrops);
        Assert.Null(spool.LoadSession(4));
    }

    [Fact]
    public void EndSession_DropsTheLogButKeepsUnpublishedBatches()
    {
        using var spool = EvidenceSpool.Open(SpoolPath);
        AddCheckpoint(spool, Batch(3, 2), 1, 200, 0);

        spool.EndSession(3, 1_000);

        Assert.Null(spool.LoadSession(3));
        Assert.Single(spool.Due(0, 10));
    }

    [Fact]
    public void EndSession_RememberedAcrossReopening_OtherSessionsNot()
    {
        using (var spool = EvidenceSpool.Open(SpoolPath))
        {
            AddCheckpoint(spool, Batch(3, 2), 1, 200, 0);
            spool.EndSession(3, 1_767_225_600_000);
        }

        using var reopened = EvidenceSpool.Open(SpoolPath);
        Assert.Equal(1_767_225_600_000, reopened.SessionEndedAt(3));
        Assert.Null(reopened.SessionEndedAt(4));
    }

    [Fact]
    public void Due_UnreadableRow_QuarantinedButKept()
    {
        using (var spool = EvidenceSpool.Open(SpoolPath))
        {
            AddCheckpoint(spool, Batch(1, 2), 1, 200, 0);
            AddCheckpoint(spool, Batch(2, 2), 1, 200, 0);
        }

        using (var raw = new SqliteConnection($"Data Source={SpoolPath};Pooling=False"))
        {
            raw.Open();
            using var corrupt = raw.CreateCommand();
            corrupt.CommandText = "UPDATE batches SET body = '{not json' WHERE session_id = 1";
            corrupt.ExecuteNonQuery();
        }

        using var reopened = EvidenceSpool.Open(SpoolPath);
        var due = reopened.Due(0, 10);

        Assert.Equal(2UL, Assert.Single(due).SessionId);
        Assert.Equal(1, reopened.QuarantinedNow);
        Assert.Equal(1, reopened.Pending);
        Assert.Equal(1, reopened.Quarantined);
        Assert.Equal(2, reopened.Entries().Count);
    }

    [Fact]
    public void KeepDisputedEpoch_StoredForTheSession()
    {
        using var spool = EvidenceSpool.Open(SpoolPath);

        spool.KeepDisputedEpoch(new DisputedEpoch(5, 3, EpochRejectionReason.UnknownFlow, "flow x", [1, 2, 3], "{\"a\":1}", 1234));

        var kept = Assert.Single(spool.DisputedEpochs(5));
        Assert.Equal(EpochRejectionReason.UnknownFlow, kept.Reason);
        Assert.Equal([1, 2, 3], kept.Message);
        Assert.Empty(spool.DisputedEpochs(6));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Acknowledge_BatchCarryingTheLatestVoucher_KeepsTheVoucherForSettlement()
    {
        using var spool = EvidenceSpool.Open(SpoolPath);
        var batch = Batch(1, 3);
        AddCheckpoint(spool, batch, 1, 300, 0);
        spool.AttachVoucher(1, 3, Voucher(3, "700"));
        var published = Assert.Single(spool.Due(0, 10));
        spool.MarkPublished(batch.BatchId, 10_000);

        Assert.Equal(AcknowledgementOutcome.Removed, spool.Acknowledge(batch.BatchId, EvidenceBatchDigest.Compute(published)));

        Assert.Empty(spool.Entries());
        Assert.Equal("700", spool.LatestVoucher(1)!.CumulativeAmount);
    }

    [Fact]
    public void AttachVoucher_LowerAmountAfterAHigherOne_KeepsTheHigher()
    {
        using var spool = EvidenceSpool.Open(SpoolPath);
        spool.AttachVoucher(1, 5, Voucher(5, "900"));
        spool.AttachVoucher(1, 3, Voucher(3, "300"));

        var entry = spool.Settlement(1)!;
        Assert.Equal(5UL, entry.Voucher!.LogSize);
        Assert.Equal(900, entry.VoucherAmount);
    }

    [Fact]
    public void Settlement_PendingTransactionAndRedeemedAmount_SurviveAReopen()
    {
        using (var spool = EvidenceSpool.Open(SpoolPath))
        {
            spool.TrackSettlement(7, SettlementRole.Provider, onChain: true);
            spool.AttachVoucher(7, 4, Voucher(4, "1000"));
            spool.RecordChainState(7, 400, closed: false, "0xaa");
            spool.BeginSettlementTransaction(7, "close", 1000, 123);
        }

        using var reopened = EvidenceSpool.Open(SpoolPath);
        var entry = reopened.Settlement(7)!;
        Assert.Equal("close", entry.PendingAction);
        Assert.Equal(1000, entry.PendingAmount);
        Assert.Equal(400, entry.RedeemedAmount);
        Assert.Equal(600, entry.Unredeemed);
        Assert.Equal("0xaa", entry.LastTransaction);
        Assert.Equal(7UL, Assert.Single(reopened.OpenSettlements(SettlementRole.Provider, 0)).SessionId);
    }

    [Fact]
    public void EndSession_TrackedSession_MarksItEndedAndRaisesSessionEnded()
    {
        using var spool = EvidenceSpool.Open(SpoolPath);
        spool.TrackSettlement(2, SettlementRole.Provider, onChain: true);
        spool.PostponeSettlement(2, long.MaxValue);
        ulong? ended = null;
        spool.SessionEnded += id => ended = id;

        spool.EndSession(2, 1000);

        Assert.Equal(2UL, ended);
        Assert.True(Assert.Single(spool.OpenSettlements(SettlementRole.Provider, 0)).Ended);
    }

    [Fact]
    public void OpenSettlements_PinnedLinkOrClosedSession_NotListed()
    {
        using var spool = EvidenceSpool.Open(SpoolPath);
        spool.TrackSettlement(1, SettlementRole.Provider, onChain: false);
        spool.AttachVoucher(1, 3, Voucher(3, "5"));
        spool.TrackSettlement(2, SettlementRole.Provider, onChain: true);
        spool.RecordChainState(2, 10, closed: true, null);
        spool.TrackSettlement(3, SettlementRole.Client, onChain: true);

        Assert.Empty(spool.OpenSettlements(SettlementRole.Provider, 0));
        Assert.Equal(3UL, Assert.Single(spool.OpenSettlements(SettlementRole.Client, 0)).SessionId);
        Assert.Equal("5", spool.LatestVoucher(1)!.CumulativeAmount); // a pinned link's voucher is kept all the same
    }

    private static EvidenceBatch Batch(ulong session, ulong treeSize, ulong first = 0)
    {
        var leafHashes = new List<byte[]>();
        var sealedRecords = new List<byte[]>();
        for (var i = first; i < treeSize; i++)
        {
            leafHashes.Add(MerkleHash.Leaf([(byte)i]));
            var sealedRecord = new byte[RecordSealer.SealedSize];
            sealedRecord[0] = (byte)i;
            sealedRecords.Add(sealedRecord);
        }

        return new EvidenceBatch
        {
            BatchId = EvidenceBatchId.For(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3", session, treeSize),
            ChainId = 31337,
            SessionManager = "0x5FbDB2315678afecb367f032d93F642f64180aa3",
            SessionId = session,
            Gateway = "0x0000000000000000000000000000000000000001",
            Client = "0x0000000000000000000000000000000000000002",
            FirstLeafIndex = first,
            LeafHashes = leafHashes,
            SealedRecords = sealedRecords,
            Checkpoint = new SignedCheckpoint { TreeSize = treeSize, Root = new byte[32], EpochTime = 1, CaptureDrops = 0, Signature = "0x00" },
        };
    }

    // The provider spools its plaintext records beside the published batch (they are resent to the client, never published).
    private static void AddCheckpoint(EvidenceSpool spool, EvidenceBatch batch, ulong sequence, ulong allowedOctets, long publishAfterMs)
    {
        var records = new List<byte[]>();
        for (var i = 0; i < batch.LeafHashes.Count; i++)
        {
            var record = new byte[FlowRecordEncoding.Size];
            record[0] = 1;
            record[^1] = (byte)i;
            records.Add(record);
        }

        spool.AddCheckpoint(batch, records, sequence, allowedOctets, publishAfterMs);
    }

    private static SignedVoucher Voucher(ulong size, string amount = "100") => new() { CumulativeAmount = amount, CumulativeBytes = 100, LogSize = size, LogRoot = new byte[32], Signature = "0x00" };

    private static byte[] Hashes(int count)
    {
        var hashes = new byte[count * MerkleHash.Size];
        for (var i = 0; i < count; i++)
        {
            MerkleHash.Leaf([(byte)i], hashes.AsSpan(i * MerkleHash.Size, MerkleHash.Size));
        }

        return hashes;
    }
}
