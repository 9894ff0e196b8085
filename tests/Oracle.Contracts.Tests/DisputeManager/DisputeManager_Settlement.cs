using System.Numerics;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Deployment;
using Oracle.Chain.Model;
using Oracle.Contracts.Tests.Support;
using Oracle.Testing;

namespace Oracle.Contracts.Tests.DisputeManager;

/// <summary>
/// Settling rounds after the ruling (lazy slashing): the ruling never waits on the jurors, every incoherent juror is
/// still slashed, coherent jurors are paid exactly, and no token is created or lost. Named panels make the committees
/// deterministic.
/// </summary>
[Collection(ChainCollection.Name)]
public sealed class DisputeManager_Settlement(ChainFixture chain) : IAsyncLifetime
{
    private readonly List<Actor> _oracles = [];
    private TestNetwork _network = null!;
    private Actor _provider = null!;
    private Actor _client = null!;
    private string _disputeManager = null!;

    public async Task InitializeAsync()
    {
        _network = await TestNetwork.DeployAsync(chain);
        for (var i = 0; i < 5; i++)
        {
            _oracles.Add(await _network.NewOracleAsync(1000));
        }

        // Panels list their members in ascending address order.
        _oracles.Sort((a, b) => string.CompareOrdinal(a.Address.ToLowerInvariant(), b.Address.ToLowerInvariant()));
        _provider = await _network.NewProviderAsync(extraVpn: 500);
        _client = await _network.NewActorAsync(vpn: 1000);
        _disputeManager = _network.AddressOf(ContractNames.DisputeManager);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A dispute of the client against the provider, judged by a panel of the first <paramref name="seats"/> oracles.</summary>
    private async Task<(ulong Id, Dispute Dispute, Session Terms, List<Actor> Panel)> FileWithPanelAsync(byte seats)
    {
        var panel = _oracles.Take(seats).ToList();
        var addresses = panel.Select(o => o.Address).ToList();
        var (sessionId, s) = await Sessions.OpenWithPanelAsync(_network, _client, _provider, Sessions.Params(_network, _provider, committee: seats, panel: addresses));
        var terms = Disputes.Terms(s);
        var (id, dispute) = await Disputes.FileAsync(_network, _client, Disputes.Claim(sessionId, ClaimType.ProviderOvercharged), terms, addresses);
        return (id, dispute, terms, panel);
    }

    /// <summary>Each juror commits its vote (None: does not commit); after the commit phase the revealers reveal.</summary>
    private async Task VoteAsync(ulong id, List<Actor> panel, Ruling?[] votes, bool[] reveals)
    {
        var committee = panel.Select(o => o.Address).ToList();
        var salts = panel.Select(_ => Disputes.Salt()).ToList();
        for (var i = 0; i < panel.Count; i++)
        {
            if (votes[i] is { } vote)
            {
                await Disputes.CommitAsync(panel[i], id, 0, committee, vote, salts[i]);
            }
        }

        await chain.IncreaseTimeAsync(_network.Parameters.CommitPeriod);
        for (var i = 0; i < panel.Count; i++)
        {
            if (votes[i] is { } vote && reveals[i])
            {
                await panel[i].Disputes.RevealAsync(id, 0, (byte)vote, salts[i]);
            }
        }

        await chain.IncreaseTimeAsync(_network.Parameters.RevealPeriod + _network.Parameters.AppealPeriod);
    }

    private async Task<BigInteger> StakeAsync(Actor o) => (await o.Oracles.OracleInfoQueryAsync(o.Address)).Info.Stake;

    private async Task<BigInteger> LockedAsync(Actor o) => (await o.Oracles.OracleInfoQueryAsync(o.Address)).Info.Locked;

    [Fact]
    public async Task Settle_AfterRuling_SlashesEveryIncoherentJurorAndPaysCoherentOnesExactly()
    {
        var p = _network.Parameters;
        var (id, dispute, terms, panel) = await FileWithPanelAsync(5);
        // Three vote Upheld, one votes Rejected, one commits Upheld but never reveals.
        await VoteAsync(id, panel, [Ruling.Upheld, Ruling.Upheld, Ruling.Upheld, Ruling.Rejected, Ruling.Upheld], [true, true, true, true, false]);
        var incoherent = new[] { panel[3], panel[4] };
        var coherent = panel.Take(3).ToList();
        var stakesBefore = new Dictionary<Actor, BigInteger>();
        foreach (var o in panel)
        {
            stakesBefore[o] = await StakeAsync(o);
        }

        var stranger = await _network.NewActorAsync();
        await stranger.Disputes.ExecuteRulingAsync(id, dispute, terms);

        // The ruling is executed, but the incoherent jurors are not slashed yet: their stake stays locked (it cannot
        // leave), and a coherent juror's reward (which includes the slashed stake) waits for the settlement.
        Assert.Equal((byte)DisputePhase.Executed, (await _client.Disputes.DisputeInfoQueryAsync(id)).Info.Phase);
        foreach (var o in incoherent)
        {
            Assert.Equal(stakesBefore[o], await StakeAsync(o));
            Assert.Equal(p.LockPerSeat, await LockedAsync(o));
            await Revert.WithAsync("OracleRegistryInsufficientFreeStake", () => o.Oracles.RequestUnstakeAsync(stakesBefore[o]));
        }

        await Revert.WithAsync("DisputeRoundNotSettled", () => coherent[0].Disputes.ClaimRewardAsync(id, 0));
        var dmBefore = await _client.Token.BalanceOfQueryAsync(_disputeManager);
        var clientCredit = await _client.Disputes.ClaimableQueryAsync(_client.Address);

        var receipt = await stranger.Disputes.SettleRoundAsync(id, 0, dispute, panel.Select(o => o.Address).ToList());

        var slashedEvents = TestNetwork.Events<JurorSlashedEvent>(receipt);
        Assert.Equal(incoherent.Select(o => o.Address.ToLowerInvariant()).Order(), slashedEvents.Select(e => e.Juror.ToLowerInvariant()).Order());
        Assert.All(slashedEvents, e => Assert.Equal(p.LockPerSeat, e.Amount));
        foreach (var o in incoherent)
        {
            Assert.Equal(stakesBefore[o] - p.LockPerSeat, await StakeAsync(o));
            Assert.Equal(0, await LockedAsync(o));
        }

        var pool = (p.FeePerSeat * 5) + (p.LockPerSeat * 2);
        var rewardPerSeat = pool / 3;
        var settled = TestNetwork.Event<RoundSettledEvent>(receipt);
        Assert.Equal(p.LockPerSeat * 2, settled.Slashed);
        Assert.Equal(rewardPerSeat, settled.RewardPerSeat);
        Assert.Equal(3, settled.CoherentSeats);
        Assert.Equal(rewardPerSeat, (await _client.Disputes.RoundInfoQueryAsync(id, 0)).Info.RewardPerSeat);
        // The division's remainder goes to the round's winner (the filer: the claim was upheld).
        Assert.Equal(clientCredit + pool - (rewardPerSeat * 3), await _client.Disputes.ClaimableQueryAsync(_client.Address));
        Assert.Equal(dmBefore + (p.LockPerSeat * 2), await _client.Token.BalanceOfQueryAsync(_disputeManager));
        await Revert.WithAsync("DisputeRoundSettled", () => stranger.Disputes.SettleRoundAsync(id, 0, dispute, panel.Select(o => o.Address).ToList()));

        foreach (var o in coherent)
        {
            var before = await o.VpnBalanceAsync();
            await o.Disputes.ClaimRewardAsync(id, 0);
            Assert.Equal(before + rewardPerSeat, await o.VpnBalanceAsync());
            Assert.Equal(stakesBefore[o], await StakeAsync(o));
            Assert.Equal(0, await LockedAsync(o));
            await Revert.WithAsync("DisputeNothingToClaim", () => o.Disputes.ClaimRewardAsync(id, 0));
        }

        foreach (var o in incoherent)
        {
            await Revert.WithAsync("DisputeNothingToClaim", () => o.Disputes.ClaimRewardAsync(id, 0));
        }

        // What stays in the DisputeManager is exactly what the parties may still withdraw.
        var credits = await _client.Disputes.ClaimableQueryAsync(_client.Address) + await _client.Disputes.ClaimableQueryAsync(_provider.Address);
        Assert.Equal(credits, await _client.Token.BalanceOfQueryAsync(_disputeManager));
    }

    [Fact]
    public async Task ClaimReward_UnanimousRound_NeedsNoSettlement()
    {
        var p = _network.Parameters;
        var (id, dispute, terms, panel) = await FileWithPanelAsync(3);
        await VoteAsync(id, panel, [Ruling.Rejected, Ruling.Rejected, Ruling.Rejected], [true, true, true]);
        await _client.Disputes.ExecuteRulingAsync(id, dispute, terms);

        var before = await panel[0].VpnBalanceAsync();
        await panel[0].Disputes.ClaimRewardAsync(id, 0);
        Assert.Equal(before + p.FeePerSeat, await panel[0].VpnBalanceAsync());

        // Settling later slashes nobody and changes no reward.
        var settled = TestNetwork.Event<RoundSettledEvent>(await _client.Disputes.SettleRoundAsync(id, 0, dispute, panel.Select(o => o.Address).ToList()));
        Assert.Equal(0, settled.Slashed);
        Assert.Equal(p.FeePerSeat, settled.RewardPerSeat);
        var before1 = await panel[1].VpnBalanceAsync();
        await panel[1].Disputes.ClaimRewardAsync(id, 0);
        Assert.Equal(before1 + p.FeePerSeat, await panel[1].VpnBalanceAsync());
    }

    [Fact]
    public async Task Settle_NobodyRevealed_EveryJurorSlashedAndThePoolGoesToTheWinner()
    {
        var p = _network.Parameters;
        var (id, dispute, terms, panel) = await FileWithPanelAsync(3);
        await VoteAsync(id, panel, [Ruling.Upheld, null, null], [false, false, false]);
        var executed = TestNetwork.Event<RulingExecutedEvent>(await _client.Disputes.ExecuteRulingAsync(id, dispute, terms));
        Assert.Equal((byte)Ruling.Rejected, executed.Ruling);
        var providerCredit = await _client.Disputes.ClaimableQueryAsync(_provider.Address);

        var receipt = await _client.Disputes.SettleRoundAsync(id, 0, dispute, panel.Select(o => o.Address).ToList());

        Assert.Equal(3, TestNetwork.Events<JurorSlashedEvent>(receipt).Count);
        Assert.Equal(providerCredit + (p.FeePerSeat * 3) + (p.LockPerSeat * 3), await _client.Disputes.ClaimableQueryAsync(_provider.Address));
        foreach (var o in panel)
        {
            Assert.Equal(0, await LockedAsync(o));
            await Revert.WithAsync("DisputeNothingToClaim", () => o.Disputes.ClaimRewardAsync(id, 0));
        }
    }

    [Fact]
    public async Task Draw_LocalRandomnessExpired_RequestsAgainThenDraws()
    {
        // Only LocalRandomnessSource's requests expire (a VRF request never does: asking again would let whoever
        // withholds an answer re-roll it).
        var network = await TestNetwork.DeployAsync(chain, NetworkParameters.Devnet with { Randomness = RandomnessKind.Prevrandao });
        var provider = await network.NewProviderAsync();
        var client = await network.NewActorAsync(vpn: 1000);
        var (sessionId, s) = await Sessions.OpenAsync(network, client, Sessions.Params(network, provider));
        var (id, dispute) = await Disputes.FileAsync(network, client, Disputes.Claim(sessionId, ClaimType.ProviderOvercharged), Disputes.Terms(s));
        await chain.MineAsync(40);

        var again = TestNetwork.Event<RandomnessRequestedAgainEvent>(await client.Disputes.DrawAsync(id, dispute));

        Assert.Equal(id, again.DisputeId);
        Assert.Equal(0UL, (await client.Disputes.RoundInfoQueryAsync(id, 0)).Info.CommitDeadline);
        var drawn = await Disputes.DrawAsync(network, client, id, dispute);
        Assert.Equal(5, drawn.Committee.Count);
    }
}
