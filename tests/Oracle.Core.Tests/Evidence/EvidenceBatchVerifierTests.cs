using System.Numerics;
using Oracle.Chain.Keys;
using Oracle.Core.Eip712;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;

namespace Oracle.Core.Tests.Evidence;

public sealed class EvidenceBatchVerifierTests
{
    private const ulong ChainId = 31337;
    private const ulong SessionId = 11;
    private const string Manager = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    private static readonly Nethereum.Signer.EthECKey GatewayKey = DevelopmentKeys.Key(5);
    private static readonly Nethereum.Signer.EthECKey ClientKey = DevelopmentKeys.Key(6);

    [Fact]
    public void Verify_WellFormedBatch_Valid()
    {
        var batch = Batch(recordCount: 4);

        Assert.Equal(EvidenceBatchError.None, EvidenceBatchVerifier.Verify(batch).Error);
    }

    [Fact]
    public void Verify_BatchWithoutVoucher_Valid()
    {
        var batch = Batch(recordCount: 2) with { Voucher = null };

        Assert.Equal(EvidenceBatchError.None, EvidenceBatchVerifier.Verify(batch).Error);
    }

    [Fact]
    public void Verify_CheckpointSignedByAnotherKey_BadCheckpointSignature()
    {
        var batch = Batch(recordCount: 2);
        var forged = batch.Checkpoint with { Signature = TypedDataSigner.Sign(batch.Checkpoint.ToCheckpoint(SessionId), Domain, DevelopmentKeys.Key(9)) };

        var (error, _) = EvidenceBatchVerifier.Verify(batch with { Checkpoint = forged });

        Assert.Equal(EvidenceBatchError.BadCheckpointSignature, error);
    }

    [Fact]
    public void Verify_CheckpointAlteredAfterSigning_BadCheckpointSignature()
    {
        var batch = Batch(recordCount: 2);

        var (error, _) = EvidenceBatchVerifier.Verify(batch with { Checkpoint = batch.Checkpoint with { CaptureDrops = 1 } });

        Assert.Equal(EvidenceBatchError.BadCheckpointSignature, error);
    }

    [Fact]
    public void Verify_VoucherSignedByGateway_BadVoucherSignature()
    {
        var batch = Batch(recordCount: 2);
        var voucher = batch.Voucher!;
        var forged = voucher with { Signature = TypedDataSigner.Sign(voucher.ToVoucher(SessionId), Domain, GatewayKey) };

        var (error, _) = EvidenceBatchVerifier.Verify(batch with { Voucher = forged });

        Assert.Equal(EvidenceBatchError.BadVoucherSignature, error);
    }

    [Fact]
    public void Verify_VoucherForOlderLogSize_VoucherMismatch()
    {
        var batch = Batch(recordCount: 2);

        var (error, _) = EvidenceBatchVerifier.Verify(batch with { Voucher = batch.Voucher! with { LogSize = 1 } });

        Assert.Equal(EvidenceBatchError.VoucherMismatch, error);
    }

    [Fact]
    public void Verify_RecordDropped_RecordCountMismatch()
    {
        var batch = Batch(recordCount: 3);

        Assert.Equal(EvidenceBatchError.RecordCountMismatch, EvidenceBatchVerifier.Verify(batch with { LeafHashes = [.. batch.LeafHashes.Skip(1)] }).Error);
        Assert.Equal(EvidenceBatchError.RecordCountMismatch, EvidenceBatchVerifier.Verify(batch with { SealedRecords = [.. batch.SealedRecords.Skip(1)] }).Error);
    }

    [Fact]
    public void Verify_SealedRecordOfTheWrongLength_Malformed()
    {
        var batch = Batch(recordCount: 3);
        var cut = batch.SealedRecords.ToList();
        cut[2] = cut[2][..95];

        var (error, detail) = EvidenceBatchVerifier.Verify(batch with { SealedRecords = cut });

        Assert.Equal(EvidenceBatchError.Malformed, error);
        Assert.StartsWith("sealed record 2", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_SealedRecordsOpenWithTheSessionsKey_ToTheirLeafHashes()
    {
        var batch = Batch(recordCount: 4);
        using var sealer = new RecordSealer(Key, ChainId, Manager, SessionId);

        for (var i = 0; i < batch.LeafHashes.Count; i++)
        {
            var opened = sealer.Open(batch.FirstLeafIndex + (ulong)i, batch.LeafHashes[i], batch.SealedRecords[i]);
            Assert.True(opened.IsOpened, opened.Detail);
        }

        var swapped = batch.SealedRecords.ToList();
        (swapped[0], swapped[1]) = (swapped[1], swapped[0]);
        Assert.True(EvidenceBatchVerifier.Verify(batch with { SealedRecords = swapped }).IsValid); // the collector cannot tell...
        Assert.Equal(SealedRecordError.AuthenticationFailed, sealer.Open(batch.FirstLeafIndex, batch.LeafHashes[0], swapped[0]).Error); // ...a reader can
    }

    [Fact]
    public void Verify_RecordsSwappedUnderTheSignedRoot_RootMismatch()
    {
        // Issue 10 item 15: both signatures are genuine, but the records are not the ones the root commits to.
        var batch = Batch(recordCount: 3);
        var swapped = batch.LeafHashes.ToList();
        (swapped[0], swapped[1]) = (swapped[1], swapped[0]);

        var (error, _) = EvidenceBatchVerifier.Verify(batch with { LeafHashes = swapped });

        Assert.Equal(EvidenceBatchError.RootMismatch, error);
    }

    [Fact]
    public void Verify_CompactRangeOfAnotherLog_RootMismatch()
    {
        var batch = Batch(recordCount: 2);

        var (error, _) = EvidenceBatchVerifier.Verify(batch with { CompactRange = [new byte[32]] });

        Assert.Equal(EvidenceBatchError.RootMismatch, error);
    }

    [Fact]
    public void Verify_CompactRangeMissing_Malformed()
    {
        var batch = Batch(recordCount: 2);

        var (error, _) = EvidenceBatchVerifier.Verify(batch with { CompactRange = [] });

        Assert.Equal(EvidenceBatchError.Malformed, error);
    }

    [Fact]
    public void Verify_FirstBatchOfASession_RootCheckedFromTheBatchAlone()
    {
        var batch = Batch(recordCount: 3, firstBatch: true);
        var swapped = batch.LeafHashes.Reverse().ToList();

        var valid = EvidenceBatchVerifier.Verify(batch);

        Assert.True(valid.IsValid);
        Assert.Equal(TreeHead.Empty, valid.PriorHead);
        Assert.Equal(3UL, valid.Head!.Size);
        Assert.Equal(EvidenceBatchError.RootMismatch, EvidenceBatchVerifier.Verify(batch with { LeafHashes = swapped }).Error);
    }

    [Fact]
    public void Verify_PreviousCheckpointOfAnotherLog_NotAnExtension()
    {
        var batch = Batch(recordCount: 2);
        var prior = EvidenceBatchVerifier.Verify(batch).PriorHead!;

        Assert.True(EvidenceBatchVerifier.Verify(batch, prior).IsValid);
        Assert.True(EvidenceBatchVerifier.Verify(batch, new TreeHead(0, new byte[32])).IsValid); // earlier: cannot be compared
        Assert.Equal(EvidenceBatchError.NotAnExtension, EvidenceBatchVerifier.Verify(batch, new TreeHead(prior.Size, new byte[32])).Error);
    }

    [Fact]
    public void Verify_IdOfAnotherBatch_BatchIdMismatch()
    {
        var batch = Batch(recordCount: 1);

        var (error, _) = EvidenceBatchVerifier.Verify(batch with { BatchId = EvidenceBatchId.For(ChainId, Manager, SessionId, 99) });

        Assert.Equal(EvidenceBatchError.BatchIdMismatch, error);
    }

    [Fact]
    public void For_SameInputs_SameVersion8Id()
    {
        var a = EvidenceBatchId.For(ChainId, Manager, SessionId, 10);
        var b = EvidenceBatchId.For(ChainId, Manager.ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal), SessionId, 10);

        Assert.Equal(a, b);
        Assert.Equal(8, a.Version);
        Assert.NotEqual(a, EvidenceBatchId.For(ChainId, Manager, SessionId, 11));
        Assert.NotEqual(a, EvidenceBatchId.For(ChainId, Manager, SessionId + 1, 10));
        Assert.NotEqual(a, EvidenceBatchId.For(ChainId + 1, Manager, SessionId, 10));
    }

    private static TypedDataDomain Domain => TypedDataDomain.SessionManager(ChainId, Manager);

    /// <summary>The evidence key the test batches are sealed with.</summary>
    internal static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    internal static EvidenceBatch Batch(int recordCount, ulong recordSession = SessionId, bool firstBatch = false)
    {
        var random = new Random(recordCount);
        var tree = new MerkleTree();
        if (!firstBatch)
        {
            tree.Append([1, 2, 3]);
        }

        var first = tree.Size;
        var leafHashes = new List<byte[]>();
        var sealedRecords = new List<byte[]>();
        using var sealer = new RecordSealer(Key, ChainId, Manager, SessionId);
        for (var i = 0; i < recordCount; i++)
        {
            var encoded = FlowRecordEncoding.Encode(FlowRecordEncodingTests.RandomRecord(random) with { SessionId = recordSession });
            tree.Append(encoded);
            leafHashes.Add(MerkleHash.Leaf(encoded));
            sealedRecords.Add(sealer.Seal(first + (ulong)i, encoded));
        }

        var checkpoint = new Checkpoint { SessionId = SessionId, TreeSize = tree.Size, Root = tree.Root(), EpochTime = 1_700_000_010, CaptureDrops = 0 };
        var voucher = new Voucher { SessionId = SessionId, CumulativeAmount = BigInteger.Parse("1000000000000000000000"), CumulativeBytes = 12345, LogSize = tree.Size, LogRoot = tree.Root() };
        return new EvidenceBatch
        {
            BatchId = EvidenceBatchId.For(ChainId, Manager, SessionId, tree.Size),
            ChainId = ChainId,
            SessionManager = Manager,
            SessionId = SessionId,
            Gateway = GatewayKey.GetPublicAddress(),
            Client = ClientKey.GetPublicAddress(),
            FirstLeafIndex = first,
            CompactRange = tree.CompactRange(first).Hashes,
            LeafHashes = leafHashes,
            SealedRecords = sealedRecords,
            Checkpoint = new SignedCheckpoint
            {
                TreeSize = checkpoint.TreeSize,
                Root = checkpoint.Root,
                EpochTime = checkpoint.EpochTime,
                CaptureDrops = checkpoint.CaptureDrops,
                Signature = TypedDataSigner.Sign(checkpoint, Domain, GatewayKey),
            },
            Voucher = SignedVoucher.From(voucher, TypedDataSigner.Sign(voucher, Domain, ClientKey)),
        };
    }
}
