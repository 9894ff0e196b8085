using System.Security.Cryptography;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.EvidenceRegistry;
using Oracle.Chain.Deployment;
using Oracle.Chain.Evidence;
using Oracle.Chain.Model;
using Oracle.Contracts.Tests.Support;
using Oracle.Core.Merkle;
using Oracle.Testing;

namespace Oracle.Contracts.Tests.EvidenceRegistry;

[Collection(ChainCollection.Name)]
public sealed class EvidenceRegistry_Anchors(ChainFixture chain) : IAsyncLifetime
{
    private TestNetwork _network = null!;

    public async Task InitializeAsync() => _network = await TestNetwork.DeployAsync(chain);

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<Actor> CollectorAsync()
    {
        var collector = await _network.NewActorAsync(vpn: 1000);
        await TestNetwork.ApproveAsync(collector, _network.AddressOf(ContractNames.EvidenceRegistry), Vpn.Tokens(1000));
        await collector.Evidence.RegisterCollectorAsync(Vpn.Tokens(1000));
        return collector;
    }

    private AnchorReader Reader(Actor a) => new(a.Web3, _network.AddressOf(ContractNames.EvidenceRegistry));

    private static MerkleTree Tree(int size, int forkAt = -1)
    {
        var tree = new MerkleTree();
        for (var i = 0; i < size; i++)
        {
            tree.Append([(byte)(i == forkAt ? 99 : i), 1, 2]);
        }

        return tree;
    }

    [Fact]
    public async Task Anchor_GrowingSizes_ChainsEveryAnchorAndProvesInclusionAndConsistency()
    {
        var collector = await CollectorAsync();
        var tree = Tree(11);
        var logId = SHA256.HashData("log a"u8);
        var anchored = TestNetwork.Event<CheckpointAnchoredEvent>(await collector.Evidence.AnchorAsync(logId, 6, tree.Root(6)));
        await collector.Evidence.AnchorAsync(logId, 9, tree.Root(9));
        await collector.Evidence.AnchorAsync(logId, 11, tree.Root(11));

        Assert.Equal(6UL, anchored.TreeSize);
        var head = await collector.Evidence.LogHeadQueryAsync(logId);
        Assert.Equal(collector.Address, head.Collector, ignoreCase: true);
        Assert.Equal(11UL, head.LatestSize);
        var all = await Reader(collector).AnchorsAsync(logId);
        Assert.Equal([6UL, 9UL, 11UL], all.Select(a => a.TreeSize));
        var chainState = await collector.Evidence.AnchorChainQueryAsync(logId);
        Assert.Equal(3U, chainState.Anchors);
        Assert.Equal(AnchorChain.Fold(AnchorChain.Empty, all), chainState.Chain);

        // Any run of consecutive anchors that ends at the latest one proves its roots.
        var full = AnchorChain.Proof(all, 0);
        var tail = AnchorChain.Proof(all, 1);
        Assert.True(await collector.Evidence.VerifyAnchorsQueryAsync(logId, full));
        Assert.True(await collector.Evidence.VerifyAnchorsQueryAsync(logId, tail));
        Assert.True(await collector.Evidence.VerifyConsistencyQueryAsync(logId, full, 0, 2, tree.ConsistencyProof(6, 11).ToList()));
        Assert.True(await collector.Evidence.VerifyConsistencyQueryAsync(logId, tail, 0, 1, tree.ConsistencyProof(9, 11).ToList()));
        Assert.True(await collector.Evidence.VerifyInclusionQueryAsync(logId, full, 2, 3, tree.LeafHash(3), tree.InclusionProof(3, 11).ToList()));
        Assert.True(await collector.Evidence.VerifyInclusionQueryAsync(logId, full, 0, 3, tree.LeafHash(3), tree.InclusionProof(3, 6).ToList()));
        Assert.False(await collector.Evidence.VerifyInclusionQueryAsync(logId, full, 2, 4, tree.LeafHash(3), tree.InclusionProof(3, 11).ToList()));
        Assert.False(await collector.Evidence.VerifyInclusionQueryAsync(logId, full, 3, 3, tree.LeafHash(3), tree.InclusionProof(3, 11).ToList()));

        // A forged root, a missing anchor, or a run that stops before the latest anchor proves nothing.
        var forged = AnchorChain.Proof(all, 0);
        forged.Anchors[1] = new Anchor { TreeSize = 9, Root = Tree(9, forkAt: 2).Root() };
        Assert.False(await collector.Evidence.VerifyAnchorsQueryAsync(logId, forged));
        Assert.False(await collector.Evidence.VerifyInclusionQueryAsync(logId, forged, 1, 2, Tree(9, forkAt: 2).LeafHash(2), Tree(9, forkAt: 2).InclusionProof(2, 9).ToList()));
        var gap = AnchorChain.Proof(all, 0);
        gap.Anchors.RemoveAt(1);
        Assert.False(await collector.Evidence.VerifyAnchorsQueryAsync(logId, gap));
        Assert.False(await collector.Evidence.VerifyAnchorsQueryAsync(logId, AnchorChain.Proof(all, 0, end: 2)));
        Assert.False(await collector.Evidence.VerifyConsistencyQueryAsync(logId, full, 2, 0, tree.ConsistencyProof(6, 11).ToList()));
    }

    [Fact]
    public async Task CheckpointChain_LaterAnchors_ProofsEndingThereStayValid()
    {
        var collector = await CollectorAsync();
        var tree = Tree(20);
        var logId = SHA256.HashData("log e"u8);
        await collector.Evidence.AnchorAsync(logId, 5, tree.Root(5));
        await collector.Evidence.AnchorAsync(logId, 8, tree.Root(8));
        var watcher = await _network.NewActorAsync();
        var before = await Reader(watcher).AnchorsAsync(logId);

        var checkpointed = TestNetwork.Event<AnchorChainCheckpointedEvent>(await watcher.Evidence.CheckpointChainAsync(logId));
        await collector.Evidence.AnchorAsync(logId, 12, tree.Root(12));
        await collector.Evidence.AnchorAsync(logId, 20, tree.Root(20));

        Assert.Equal(2U, checkpointed.Anchors);
        Assert.Equal(checkpointed.Chain, await watcher.Evidence.ChainAtQueryAsync(logId, 2));
        Assert.Equal(new byte[32], await watcher.Evidence.ChainAtQueryAsync(logId, 3));
        // The proof built before the two new anchors still holds (it ends at the checkpoint)...
        Assert.True(await watcher.Evidence.VerifyAnchorsQueryAsync(logId, AnchorChain.Proof(before, 0)));
        // ...and so does one ending at the latest anchor.
        Assert.True(await watcher.Evidence.VerifyAnchorsQueryAsync(logId, AnchorChain.Proof(await Reader(watcher).AnchorsAsync(logId), 1)));
        await Revert.WithAsync("EvidenceUnknownLog", () => watcher.Evidence.CheckpointChainAsync(SHA256.HashData("never anchored"u8)));
    }

    [Fact]
    public async Task Anchor_ShrinkingOrForeignLog_RevertsWithNamedErrors()
    {
        var collector = await CollectorAsync();
        var other = await CollectorAsync();
        var logId = SHA256.HashData("log b"u8);
        await collector.Evidence.AnchorAsync(logId, 5, SHA256.HashData("r5"u8));

        await Revert.WithAsync("EvidenceSizeNotGrowing", () => collector.Evidence.AnchorAsync(logId, 5, SHA256.HashData("x"u8)));
        await Revert.WithAsync("EvidenceLogNotOwned", () => other.Evidence.AnchorAsync(logId, 6, SHA256.HashData("r6"u8)));
        var stale = new AnchorProof { ChainBefore = new byte[32], End = 1, Anchors = [new Anchor { TreeSize = 5, Root = SHA256.HashData("r4"u8) }] };
        await Revert.WithAsync("EvidenceAnchorProofInvalid", () => other.Evidence.ProveEquivocationAsync(logId, stale, 0, 0, new byte[32], []));
        var stranger = await _network.NewActorAsync();
        await Revert.WithAsync("EvidenceCollectorNotActive", () => stranger.Evidence.AnchorAsync(SHA256.HashData("log c"u8), 1, new byte[32]));
        await Revert.WithAsync("EvidenceCollectorAlreadyRegistered", () => collector.Evidence.RegisterCollectorAsync(Vpn.Tokens(1000)));
        await TestNetwork.ApproveAsync(stranger, _network.AddressOf(ContractNames.EvidenceRegistry), Vpn.Tokens(1));
        await Revert.WithAsync("EvidenceBondTooLow", () => stranger.Evidence.RegisterCollectorAsync(Vpn.Tokens(1)));
    }

    [Fact]
    public async Task ProveEquivocation_HonestLog_RevertsEvidenceNoEquivocation()
    {
        var collector = await CollectorAsync();
        var tree = Tree(16);
        var logId = SHA256.HashData("honest log"u8);
        foreach (var size in new ulong[] { 3, 7, 16 })
        {
            await collector.Evidence.AnchorAsync(logId, size, tree.Root(size));
        }

        var prover = await _network.NewActorAsync();
        var proof = AnchorChain.Proof(await Reader(prover).AnchorsAsync(logId), 0);

        // The true root of size 7 is the anchored one; any other root fails the consistency proof.
        await Revert.WithAsync("EvidenceNoEquivocation", () => prover.Evidence.ProveEquivocationAsync(logId, proof, 1, 2, tree.Root(7), tree.ConsistencyProof(7, 16).ToList()));
        await Revert.WithAsync("EvidenceNoEquivocation", () => prover.Evidence.ProveEquivocationAsync(logId, proof, 1, 2, Tree(16, forkAt: 4).Root(7), tree.ConsistencyProof(7, 16).ToList()));
        await Revert.WithAsync("EvidenceNoEquivocation", () => prover.Evidence.ProveEquivocationAsync(logId, proof, 2, 1, tree.Root(7), tree.ConsistencyProof(7, 16).ToList()));
        await Revert.WithAsync("EvidenceNoEquivocation", () => prover.Evidence.ProveEquivocationAsync(logId, proof, 1, 3, tree.Root(7), tree.ConsistencyProof(7, 16).ToList()));
        Assert.Equal((byte)CollectorStatus.Active, (await prover.Evidence.GetCollectorQueryAsync(collector.Address)).ReturnValue1.Status);
    }

    [Fact]
    public async Task Unbond_AfterDelay_WithdrawsAndStopsAnchoring()
    {
        var collector = await CollectorAsync();
        await collector.Evidence.RequestUnbondAsync();
        await Revert.WithAsync("EvidenceCollectorNotActive", () => collector.Evidence.AnchorAsync(SHA256.HashData("log d"u8), 1, new byte[32]));
        await Revert.WithAsync("EvidenceStillUnbonding", () => collector.Evidence.WithdrawBondAsync());
        await Revert.WithAsync("EvidenceCollectorNotActive", () => collector.Evidence.RequestUnbondAsync());
        await chain.IncreaseTimeAsync(_network.Parameters.CollectorUnbondingDelay);
        var before = await collector.VpnBalanceAsync();

        await collector.Evidence.WithdrawBondAsync();

        Assert.Equal(before + Vpn.Tokens(1000), await collector.VpnBalanceAsync());
        Assert.Equal((byte)CollectorStatus.Unbonding, (await collector.Evidence.GetCollectorQueryAsync(collector.Address)).ReturnValue1.Status);
        Assert.Equal(Vpn.Tokens(1000), await collector.Evidence.MinBondQueryAsync());
        Assert.Equal((ulong)_network.Parameters.CollectorUnbondingDelay.TotalSeconds, await collector.Evidence.UnbondingDelayQueryAsync());
        Assert.Equal(_network.AddressOf(ContractNames.VpnToken), await collector.Evidence.TokenQueryAsync(), ignoreCase: true);
    }
}
