using Oracle.Chain.Keys;
using Oracle.Core.Eip712;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;
using Oracle.Core.Proofs;
using Oracle.Core.Tests.Evidence;

namespace Oracle.Core.Tests.Proofs;

/// <summary>The proofs a collector serves, checked the way an oracle checks them.</summary>
public sealed class ProofTests
{
    private const ulong SessionId = 42;
    private const string Manager = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    private static readonly TypedDataDomain Domain = TypedDataDomain.SessionManager(31337, Manager);
    private static readonly Nethereum.Signer.EthECKey GatewayKey = DevelopmentKeys.Key(5);
    private static readonly Nethereum.Signer.EthECKey ClientKey = DevelopmentKeys.Key(6);
    private static readonly SessionLogParties Parties = new(SessionId, Domain, GatewayKey.GetPublicAddress(), ClientKey.GetPublicAddress());

    [Fact]
    public void SessionRecordProof_ServedForALeaf_VerifiesAndOpensWithTheKey()
    {
        var (proof, key, record) = RecordProof(leaf: 3, leaves: 9);

        Assert.True(proof.Verify(Parties).IsValid);
        var opened = proof.Open(key);
        Assert.True(opened.IsOpened, opened.Detail);
        Assert.Equal(record, opened.Record);
        Assert.Equal(SealedRecordError.AuthenticationFailed, proof.Open(RecordSealer.NewKey()).Error);
    }

    [Fact]
    public void SessionRecordProof_Tampered_EachRefusalNamed()
    {
        var (proof, _, _) = RecordProof(leaf: 3, leaves: 9);

        Assert.Equal(ProofError.InclusionInvalid, (proof with { LeafIndex = 4 }).Verify(Parties).Error);
        Assert.Equal(ProofError.WrongSubject, proof.Verify(Parties with { SessionId = 43 }).Error);
        Assert.Equal(ProofError.BadCheckpointSignature, proof.Verify(Parties with { Gateway = ClientKey.GetPublicAddress() }).Error);
        Assert.Equal(ProofError.BadVoucher, proof.Verify(Parties with { Client = GatewayKey.GetPublicAddress() }).Error);
        Assert.Equal(ProofError.Malformed, (proof with { LeafHash = new byte[3] }).Verify(Parties).Error);
    }

    [Fact]
    public async Task CheckpointInclusionProof_AtAnAnchoredSize_VerifiesAgainstTheAnchor()
    {
        var store = new MemoryMerkleNodeStore();
        var global = new StoredMerkleTree(store);
        var leaves = new List<byte[]>();
        for (var i = 0; i < 11; i++)
        {
            var checkpoint = new Checkpoint { SessionId = SessionId + (ulong)(i % 3), TreeSize = (ulong)i + 1, Root = MerkleHash.Leaf([(byte)i]), EpochTime = 1_700_000_000, CaptureDrops = 0 };
            var leaf = new CheckpointLeaf
            {
                ChainId = 31337,
                SessionManager = Manager,
                SessionId = checkpoint.SessionId,
                Checkpoint = new SignedCheckpoint { TreeSize = checkpoint.TreeSize, Root = checkpoint.Root, EpochTime = checkpoint.EpochTime, CaptureDrops = 0, Signature = TypedDataSigner.Sign(checkpoint, Domain, GatewayKey) },
            };
            leaves.Add(leaf.Encode());
        }

        var anchored = await global.AppendAsync(0, [.. leaves.Select(l => MerkleHash.Leaf(l))], CancellationToken.None);
        var proof = new CheckpointInclusionProof
        {
            LogId = new byte[32],
            Leaf = leaves[6],
            LeafIndex = 6,
            TreeSize = anchored.Size,
            InclusionProof = await global.InclusionProofAsync(6, anchored.Size, CancellationToken.None),
        };

        Assert.True(proof.Verify(Parties, anchored, out var decoded).IsValid);
        Assert.Equal(7UL, decoded!.Checkpoint.TreeSize);
        Assert.Equal(leaves[6], decoded.Encode());
        Assert.Equal(ProofError.WrongSubject, proof.Verify(Parties with { SessionId = SessionId + 1 }, anchored, out _).Error);
        Assert.Equal(ProofError.InclusionInvalid, proof.Verify(Parties, anchored with { Root = new byte[32] }, out _).Error);
        Assert.Equal(ProofError.AnchorMismatch, proof.Verify(Parties, new TreeHead(10, anchored.Root), out _).Error);

        var earlier = await global.RootAsync(5, CancellationToken.None);
        var consistency = new LogConsistencyProof
        {
            LogId = new byte[32],
            Size1 = 5,
            Root1 = earlier,
            Size2 = anchored.Size,
            Root2 = anchored.Root,
            Proof = await global.ConsistencyProofAsync(5, anchored.Size, CancellationToken.None),
        };
        Assert.True(consistency.Verify(new TreeHead(5, earlier), anchored).IsValid);
        Assert.Equal(ProofError.ConsistencyInvalid, (consistency with { Root1 = new byte[32] }).Verify().Error);
        Assert.Equal(ProofError.AnchorMismatch, consistency.Verify(new TreeHead(5, new byte[32])).Error);
    }

    [Fact]
    public void CheckpointLeaf_EncodeDecode_RoundTrips()
    {
        var checkpoint = new Checkpoint { SessionId = SessionId, TreeSize = 9, Root = MerkleHash.Leaf([1]), EpochTime = 1_700_000_000, CaptureDrops = 2 };
        var leaf = new CheckpointLeaf
        {
            ChainId = 31337,
            SessionManager = Manager,
            SessionId = SessionId,
            Checkpoint = new SignedCheckpoint { TreeSize = 9, Root = checkpoint.Root, EpochTime = checkpoint.EpochTime, CaptureDrops = 2, Signature = TypedDataSigner.Sign(checkpoint, Domain, GatewayKey) },
        };

        var encoded = leaf.Encode();

        Assert.Equal(CheckpointLeaf.Size, encoded.Length);
        Assert.True(CheckpointLeaf.TryDecode(encoded, out var decoded));
        Assert.Equal(encoded, decoded!.Encode());
        Assert.False(CheckpointLeaf.TryDecode(encoded.AsSpan(1), out _));
    }

    private static (SessionRecordProof Proof, byte[] Key, FlowRecord Record) RecordProof(ulong leaf, int leaves)
    {
        var key = RecordSealer.NewKey();
        using var sealer = new RecordSealer(key, 31337, Manager, SessionId);
        var tree = new MerkleTree();
        var sealedRecords = new List<byte[]>();
        var records = new List<FlowRecord>();
        for (var i = 0; i < leaves; i++)
        {
            var record = FlowRecordEncodingTests.ValidRecord() with { SessionId = SessionId, SourcePort = (ushort)(1000 + i) };
            var encoded = FlowRecordEncoding.Encode(record);
            tree.Append(encoded);
            sealedRecords.Add(sealer.Seal((ulong)i, encoded));
            records.Add(record);
        }

        var checkpoint = new Checkpoint { SessionId = SessionId, TreeSize = tree.Size, Root = tree.Root(), EpochTime = 1_700_000_000, CaptureDrops = 0 };
        var voucher = new Voucher { SessionId = SessionId, CumulativeAmount = 5, CumulativeBytes = 5, LogSize = tree.Size, LogRoot = tree.Root() };
        var proof = new SessionRecordProof
        {
            ChainId = 31337,
            SessionManager = Manager,
            SessionId = SessionId,
            LeafIndex = leaf,
            LeafHash = tree.LeafHash(leaf),
            SealedRecord = sealedRecords[(int)leaf],
            InclusionProof = tree.InclusionProof(leaf, tree.Size),
            Checkpoint = new SignedCheckpoint { TreeSize = tree.Size, Root = tree.Root(), EpochTime = checkpoint.EpochTime, CaptureDrops = 0, Signature = TypedDataSigner.Sign(checkpoint, Domain, GatewayKey) },
            Voucher = SignedVoucher.From(voucher, TypedDataSigner.Sign(voucher, Domain, ClientKey)),
        };
        return (proof, key, records[(int)leaf]);
    }
}
