using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Deployment;
using Oracle.Chain.Model;
using Oracle.Contracts.Tests.Support;
using Oracle.Testing;

namespace Oracle.Contracts.Tests.DisputeManager;

/// <summary>
/// Issue 12's arbitration soundness, the part the contracts can close: a claim whose record proof the contract
/// verified cannot be ruled against that proof. It is decided Upheld at filing: no committee to corrupt, no appeal.
/// </summary>
[Collection(ChainCollection.Name)]
public sealed class DisputeManager_Soundness(ChainFixture chain) : IAsyncLifetime
{
    private Dictionary<string, Actor> _oracles = null!;
    private TestNetwork _network = null!;
    private Actor _provider = null!;
    private Actor _client = null!;

    public async Task InitializeAsync()
        => (_network, _oracles, _provider, _client) = await DisputeArena.CreateAsync(chain, oracles: 4, stakeOf: _ => 1000, providerExtraVpn: 1000, clientVpn: 2000);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task VerifiedRecord_ClientBreachedPolicy_UpheldAtOnceWithoutCommitteeFeeOrAppeal()
    {
        var (sessionId, s) = await Sessions.OpenAsync(_network, _client, Sessions.Params(_network, _provider));
        var terms = Disputes.Terms(s);
        var (tree, denied) = FlowRecords.Log(sessionId, 7, size: 6, index: 2);
        var (v, signature) = Sessions.SignVoucher(_network, _client, sessionId, Vpn.Tokens(1), logSize: tree.Size, logRoot: tree.Root());
        var proof = FlowRecords.Proof(denied, 2, tree, v, signature);
        var before = await _provider.VpnBalanceAsync();
        await TestNetwork.ApproveAsync(_provider, _network.AddressOf(ContractNames.DisputeManager), Vpn.Tokens(1000));

        var receipt = await _provider.Disputes.FileDisputeAsync(Disputes.Claim(sessionId, ClaimType.ClientBreachedPolicy, 7), terms, [], [proof]);

        // Only the refundable stake is paid: there are no seats.
        Assert.Equal(before - _network.Parameters.StakePerRound, await _provider.VpnBalanceAsync());
        var filed = TestNetwork.Event<DisputeFiledEvent>(receipt);
        var (id, dispute) = (filed.DisputeId, filed.Dispute);
        Assert.Empty(TestNetwork.Event<CommitteeDrawnEvent>(receipt).Committee);
        var info = (await _client.Disputes.DisputeInfoQueryAsync(id)).Info;
        Assert.Equal((byte)DisputePhase.Executable, info.Phase);
        Assert.Equal((byte)Ruling.Upheld, info.Ruling);
        var round = (await _client.Disputes.RoundInfoQueryAsync(id, 0)).Info;
        Assert.Equal(0, round.Size);
        Assert.Equal(round.RevealDeadline, round.AppealDeadline);

        // Nobody can vote, draw or appeal against the proof.
        await Revert.WithAsync("DisputeWrongPhase", () => _client.Disputes.AppealAsync(id, dispute));
        await Revert.WithAsync("DisputeWrongPhase", () => _client.Disputes.DrawAsync(id, dispute));
        var juror = _oracles.Values.First();
        await Revert.WithAsync("DisputeWrongPhase", () => juror.Disputes.CommitAsync(id, 0, [], new byte[32]));
        await Revert.WithAsync("DisputeWrongPhase", () => _client.Disputes.EndDrawingAsync(id, dispute, terms));

        var executed = TestNetwork.Event<RulingExecutedEvent>(await _client.Disputes.ExecuteRulingAsync(id, dispute, terms));
        Assert.Equal((byte)Ruling.Upheld, executed.Ruling);
        Assert.Equal(terms.Penalty, executed.Penalty);
        Assert.Equal(terms.Penalty + _network.Parameters.StakePerRound, await _client.Disputes.ClaimableQueryAsync(_provider.Address));
        // Settling the empty round moves nothing; nobody has a reward.
        await _client.Disputes.SettleRoundAsync(id, 0, dispute, []);
        await Revert.WithAsync("DisputeNothingToClaim", () => juror.Disputes.ClaimRewardAsync(id, 0));
        Assert.Equal(terms.Penalty, (await _client.Sessions.SessionStateQueryAsync(sessionId)).State.Penalized);
    }

    [Fact]
    public async Task UnverifiedClaim_SameSession_StillGoesToACommittee()
    {
        var (sessionId, s) = await Sessions.OpenAsync(_network, _client, Sessions.Params(_network, _provider));
        var (id, dispute) = await Disputes.FileAsync(_network, _provider, Disputes.Claim(sessionId, ClaimType.ClientBreachedPolicy, 7), Disputes.Terms(s));

        Assert.False(dispute.EvidenceVerified);
        Assert.Equal((byte)DisputePhase.Drawing, (await _client.Disputes.DisputeInfoQueryAsync(id)).Info.Phase);
        var drawn = await Disputes.DrawAsync(_network, _client, id, dispute);
        Assert.Equal(5, drawn.Committee.Count);
    }
}
