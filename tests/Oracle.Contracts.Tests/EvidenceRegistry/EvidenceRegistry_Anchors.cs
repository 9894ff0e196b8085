using System.Security.Cryptography;
using Oracle.Chain.Contracts.EvidenceRegistry;
using Oracle.Chain.Deployment;
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

    [Fact]
    public async Task Anchor_GrowingSizes_KeepsEveryRootAndProvesConsistency()
    {
        var collector = await CollectorAsync();
        var tree = new MerkleTree();
        for (var i = 0; i < 11; i++)
        {
            tree.Append([(byte)i, 1, 2]);
        }

        var logId = SHA256.HashData("log a"u8);
        var anchored = TestNetwork.Event<CheckpointAnchoredEvent>(await collector.Evidence.AnchorAsync(logId, 6, tree.Root(6)));
        await collector.Evidence.AnchorAsync(logId, 11, tree.Root(11));

        Assert.Equal(6UL, anchored.TreeSize);
        var head = await collector.Evidence.LogHeadQueryAsync(logId);
        Assert.Equal(collector.Address, head.Collector, ignoreCase: true);
        Assert.Equal(11UL, head.LatestSize);
        Assert.Equal(tree.Root(6), await collector.Evidence.RootAtQueryAsync(logId, 6));
        Assert.True(await collector.Evidence.VerifyConsistencyQueryAsync(logId, 6, 11, tree.ConsistencyProof(6, 11).ToList()));
        Assert.True(await collector.Evidence.VerifyInclusionQueryAsync(logId, 11, 3, tree.LeafHash(3), tree.InclusionProof(3, 11).ToList()));
        Assert.False(await collector.Evidence.VerifyInclusionQueryAsync(logId, 11, 4, tree.LeafHash(3), tree.InclusionProof(3, 11).ToList()));
        Assert.False(await collector.Evidence.VerifyInclusionQueryAsync(logId, 7, 3, tree.LeafHash(3), tree.InclusionProof(3, 7).ToList()));
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
        await Revert.WithAsync("EvidenceNotAnchored", () => other.Evidence.ProveEquivocationAsync(logId, 3, 5, new byte[32], []));
        var stranger = await _network.NewActorAsync();
        await Revert.WithAsync("EvidenceCollectorNotActive", () => stranger.Evidence.AnchorAsync(SHA256.HashData("log c"u8), 1, new byte[32]));
        await Revert.WithAsync("EvidenceCollectorAlreadyRegistered", () => collector.Evidence.RegisterCollectorAsync(Vpn.Tokens(1000)));
        await TestNetwork.ApproveAsync(stranger, _network.AddressOf(ContractNames.EvidenceRegistry), Vpn.Tokens(1));
        await Revert.WithAsync("EvidenceBondTooLow", () => stranger.Evidence.RegisterCollectorAsync(Vpn.Tokens(1)));
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
