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

        var (error, _) = EvidenceBatchVerifier.Verify(batch with { Records = [.. batch.Records.Skip(1)] });

        Assert.Equal(EvidenceBatchError.RecordCountMismatch, error);
    }

    [Fact]
    public void Verify_CorruptRecord_BadRecordNamingIt()
    {
        var batch = Batch(recordCount: 3);
        var corrupt = batch.Records.Select(r => (byte[])r.Clone()).ToList();
        corrupt[2][0] = 9;

        var (error, detail) = EvidenceBatchVerifier.Verify(batch with { Records = corrupt });

        Assert.Equal(EvidenceBatchError.BadRecord, error);
        Assert.StartsWith("record 2 (leaf 3):", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_RecordOfAnotherSession_Rejected()
    {
        var batch = Batch(recordCount: 1, recordSession: SessionId + 1);

        Assert.Equal(EvidenceBatchError.RecordOfOtherSession, EvidenceBatchVerifier.Verify(batch).Error);
    }

    [Fact]
    public void Verify_RecordsSwappedUnderTheSignedRoot_RootMismatch()
    {
        // Issue 10 item 15: both signatures are genuine, but the records are not the ones the root commits to.
        var batch = Batch(recordCount: 3);
        var swapped = batch.Records.ToList();
        (swapped[0], swapped[1]) = (swapped[1], swapped[0]);

        var (error, _) = EvidenceBatchVerifier.Verify(batch with { Records = swapped });

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
        var swapped = batch.Records.Reverse().ToList();

        var valid = EvidenceBatchVerifier.Verify(batch);

        Assert.True(valid.IsValid);
        Assert.Equal(TreeHead.Empty, valid.PriorHead);
        Assert.Equal(3UL, valid.Head!.Size);
        Assert.Equal(EvidenceBatchError.RootMismatch, EvidenceBatchVerifier.Verify(batch with { Records = swapped }).Error);
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

    internal static EvidenceBatch Batch(int recordCount, ulong recordSession = SessionId, bool firstBatch = false)
    {
        var random = new Random(recordCount);
        var tree = new MerkleTree();
        if (!firstBatch)
        {
            tree.Append([1, 2, 3]);
        }

        var first = tree.Size;
        var records = new List<byte[]>();
        for (var i = 0; i < recordCount; i++)
        {
            var encoded = FlowRecordEncoding.Encode(FlowRecordEncodingTests.RandomRecord(random) with { SessionId = recordSession });
            tree.Append(encoded);
            records.Add(encoded);
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
            Records = records,
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
