using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Model;
using Oracle.Contracts.Tests.Support;
using Oracle.Testing;

namespace Oracle.Contracts.Tests.DisputeManager;

[Collection(ChainCollection.Name)]
public sealed class DisputeManager_Voting(ChainFixture chain) : IAsyncLifetime
{
    private Dictionary<string, Actor> _oracles = null!;
    private TestNetwork _network = null!;
    private Actor _provider = null!;
    private Actor _client = null!;

    public async Task InitializeAsync()
        => (_network, _oracles, _provider, _client) = await DisputeArena.CreateAsync(chain, oracles: 8, stakeOf: i => 1000 + (100 * i), providerExtraVpn: 500, clientVpn: 1000);

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(ulong SessionId, Session Terms)> OpenAsync(byte committee = 5)
    {
        var (id, session) = await Sessions.OpenAsync(_network, _client, Sessions.Params(_network, _provider, committee: committee));
        return (id, Disputes.Terms(session));
    }

    private async Task VoteAllAsync(ulong id, byte round, List<string> committee, Func<int, Ruling> voteOf)
    {
        var jurors = Disputes.Distinct(committee);
        var salts = jurors.Select(_ => Disputes.Salt()).ToList();
        for (var i = 0; i < jurors.Count; i++)
        {
            await Disputes.CommitAsync(_oracles[jurors[i]], id, round, committee, voteOf(i), salts[i]);
        }

        await chain.IncreaseTimeAsync(_network.Parameters.CommitPeriod);
        for (var i = 0; i < jurors.Count; i++)
        {
            await _oracles[jurors[i]].Disputes.RevealAsync(id, round, (byte)voteOf(i), salts[i]);
        }

        await chain.IncreaseTimeAsync(_network.Parameters.RevealPeriod);
    }

    [Fact]
    public async Task FullDispute_ClientBreachedPolicyUpheld_ProviderPaidFromDepositJurorsRewarded()
    {
        var (sessionId, terms) = await OpenAsync();
        var (id, dispute) = await Disputes.FileAsync(_network, _provider, Disputes.Claim(sessionId, ClaimType.ClientBreachedPolicy), terms);
        Assert.Equal((byte)DisputePhase.Drawing, (await _client.Disputes.DisputeInfoQueryAsync(id)).Info.Phase);

        var drawn = await Disputes.DrawAsync(_network, _client, id, dispute);
        Assert.Equal(5, drawn.Committee.Count);
        Assert.DoesNotContain(drawn.Committee, a => a.Equals(_client.Address, StringComparison.OrdinalIgnoreCase) || a.Equals(_provider.Address, StringComparison.OrdinalIgnoreCase));

        await VoteAllAsync(id, 0, drawn.Committee, _ => Ruling.Upheld);
        await chain.IncreaseTimeAsync(_network.Parameters.AppealPeriod);
        var providerCredit = await _client.Disputes.ClaimableQueryAsync(_provider.Address);
        var executed = TestNetwork.Event<RulingExecutedEvent>(await _client.Disputes.ExecuteRulingAsync(id, dispute, terms));

        Assert.Equal((byte)Ruling.Upheld, executed.Ruling);
        Assert.Equal(terms.Penalty, executed.Penalty);
        Assert.Equal(providerCredit + terms.Penalty + _network.Parameters.StakePerRound, await _client.Disputes.ClaimableQueryAsync(_provider.Address));
        Assert.Equal((byte)DisputePhase.Executed, (await _client.Disputes.DisputeInfoQueryAsync(id)).Info.Phase);

        var juror = _oracles[drawn.Committee[0]];
        var seats = drawn.Committee.Count(a => a.Equals(juror.Address, StringComparison.OrdinalIgnoreCase));
        var before = await juror.VpnBalanceAsync();
        // Every seat revealed the majority: nobody to slash, so the claim needs no settlement.
        Assert.False((await _client.Disputes.RoundInfoQueryAsync(id, 0)).Info.Settled);
        await juror.Disputes.ClaimRewardAsync(id, 0);
        Assert.Equal(before + (_network.Parameters.FeePerSeat * seats), await juror.VpnBalanceAsync());
        Assert.Equal(0, (await juror.Oracles.OracleInfoQueryAsync(juror.Address)).Info.Locked);

        var providerBefore = await _provider.VpnBalanceAsync();
        var credit = await _client.Disputes.ClaimableQueryAsync(_provider.Address);
        await _provider.Disputes.WithdrawAsync();
        Assert.Equal(providerBefore + credit, await _provider.VpnBalanceAsync());
        await Revert.WithAsync("DisputeNothingToClaim", () => _provider.Disputes.WithdrawAsync());
        await Revert.WithAsync("DisputeNothingToClaim", () => juror.Disputes.ClaimRewardAsync(id, 0));
    }

    [Fact]
    public async Task FullDispute_SplitVote_MinoritySlashedMajorityShares()
    {
        var (terms, id, dispute, drawn) = await Disputes.FileAndDrawSeveralJurorsAsync(_network, _client, () => OpenAsync(), ClaimType.ProviderOvercharged);
        var jurors = Disputes.Distinct(drawn.Committee);
        var minority = _oracles[jurors[^1]];
        var minoritySeats = drawn.Committee.Count(a => a.Equals(minority.Address, StringComparison.OrdinalIgnoreCase));
        var stakeBefore = (await minority.Oracles.OracleInfoQueryAsync(minority.Address)).Info.Stake;
        await VoteAllAsync(id, 0, drawn.Committee, i => i == jurors.Count - 1 ? Ruling.Upheld : Ruling.Rejected);
        await chain.IncreaseTimeAsync(_network.Parameters.AppealPeriod);

        await _client.Disputes.ExecuteRulingAsync(id, dispute, terms);
        // The ruling does not wait on the jurors: the minority is slashed when anyone settles the round.
        Assert.Equal(stakeBefore, (await minority.Oracles.OracleInfoQueryAsync(minority.Address)).Info.Stake);
        await _client.Disputes.SettleRoundAsync(id, 0, dispute, drawn.Committee);

        var slashed = _network.Parameters.LockPerSeat * minoritySeats;
        Assert.Equal(stakeBefore - slashed, (await minority.Oracles.OracleInfoQueryAsync(minority.Address)).Info.Stake);
        var round = (await _client.Disputes.RoundInfoQueryAsync(id, 0)).Info;
        Assert.Equal((byte)Ruling.Rejected, round.Ruling);
        var coherentSeats = 5 - minoritySeats;
        var pool = (_network.Parameters.FeePerSeat * 5) + slashed;
        Assert.Equal(pool / coherentSeats, round.RewardPerSeat);
        await Revert.WithAsync("DisputeNothingToClaim", () => minority.Disputes.ClaimRewardAsync(id, 0));
        // The provider (respondent) won: it is credited the filer's stake and the pool's rounding rest; nothing was taken
        // from the session's bond reservation, which stays until no claim can come any more.
        Assert.Equal(_network.Parameters.StakePerRound + (pool - (round.RewardPerSeat * coherentSeats)), await _client.Disputes.ClaimableQueryAsync(_provider.Address));
        Assert.Equal(0, (await _client.Sessions.SessionStateQueryAsync(dispute.SessionId)).State.BondTaken);
    }

    [Fact]
    public async Task Appeal_LoserAppeals_CommitteeOfTwoNPlusOneDecides()
    {
        var (sessionId, terms) = await OpenAsync(committee: 3);
        var (id, dispute) = await Disputes.FileAsync(_network, _client, Disputes.Claim(sessionId, ClaimType.ProviderWithheldService), terms);
        var drawn = await Disputes.DrawAsync(_network, _client, id, dispute);
        await VoteAllAsync(id, 0, drawn.Committee, _ => Ruling.Upheld);
        Assert.Equal((byte)DisputePhase.Appealable, (await _client.Disputes.DisputeInfoQueryAsync(id)).Info.Phase);

        await Revert.WithAsync("DisputeNotAppellant", () => _client.Disputes.AppealAsync(id, dispute));
        var cost = (_network.Parameters.FeePerSeat * 7) + _network.Parameters.StakePerRound;
        await TestNetwork.ApproveAsync(_provider, _network.AddressOf(Oracle.Chain.Deployment.ContractNames.DisputeManager), cost);
        var appealed = TestNetwork.Event<AppealedEvent>(await _provider.Disputes.AppealAsync(id, dispute));
        Assert.Equal(cost, appealed.Paid);

        var drawn1 = await Disputes.DrawAsync(_network, _client, id, dispute);
        Assert.Equal(7, drawn1.Committee.Count);
        await VoteAllAsync(id, 1, drawn1.Committee, _ => Ruling.Rejected);
        await chain.IncreaseTimeAsync(_network.Parameters.AppealPeriod);
        await _client.Disputes.SettleRoundAsync(id, 0, dispute, drawn.Committee);
        await Revert.WithAsync("DisputeRoundSettled", () => _client.Disputes.SettleRoundAsync(id, 0, dispute, drawn.Committee));

        var executed = TestNetwork.Event<RulingExecutedEvent>(await _client.Disputes.ExecuteRulingAsync(id, dispute, terms));
        Assert.Equal((byte)Ruling.Rejected, executed.Ruling);
        Assert.Equal(_network.Parameters.StakePerRound * 2, executed.Stakes);
        Assert.Equal(_provider.Address, executed.Winner, ignoreCase: true);
        Assert.False((await _client.Disputes.RoundInfoQueryAsync(id, 1)).Info.Settled);
        await _client.Disputes.SettleRoundAsync(id, 1, dispute, drawn1.Committee);
        Assert.True((await _client.Disputes.RoundInfoQueryAsync(id, 1)).Info.Settled);
    }

    [Fact]
    public async Task Phases_ActionsOutOfPhase_RevertDisputeWrongPhase()
    {
        var (sessionId, terms) = await OpenAsync();
        var (id, dispute) = await Disputes.FileAsync(_network, _provider, Disputes.Claim(sessionId, ClaimType.ClientBreachedPolicy), terms);
        var drawn = await Disputes.DrawAsync(_network, _client, id, dispute);
        var juror = _oracles[drawn.Committee[0]];
        var salt = Disputes.Salt();

        await Revert.WithAsync("DisputeWrongPhase", () => _client.Disputes.DrawAsync(id, dispute));
        await Revert.WithAsync("DisputeWrongPhase", () => juror.Disputes.RevealAsync(id, 0, (byte)Ruling.Upheld, salt));
        await Revert.WithAsync("DisputeWrongPhase", () => _client.Disputes.ExecuteRulingAsync(id, dispute, terms));
        await Revert.WithAsync("DisputeWrongPhase", () => _client.Disputes.SettleRoundAsync(id, 0, dispute, drawn.Committee));
        await Revert.WithAsync("DisputeWrongPhase", () => _client.Disputes.AppealAsync(id, dispute));
        await Revert.WithAsync("DisputeWrongPhase", () => juror.Disputes.ClaimRewardAsync(id, 0));
        await Revert.WithAsync("DisputeNotJuror", () => _client.Disputes.CommitAsync(id, 0, drawn.Committee, new byte[32]));
        await Revert.WithAsync("DisputeCommitteeMismatch", () => juror.Disputes.CommitAsync(id, 0, [juror.Address], new byte[32]));
        await Disputes.CommitAsync(juror, id, 0, drawn.Committee, Ruling.Upheld, salt);
        await Revert.WithAsync("DisputeAlreadyCommitted", () => Disputes.CommitAsync(juror, id, 0, drawn.Committee, Ruling.Upheld, salt));

        await chain.IncreaseTimeAsync(_network.Parameters.CommitPeriod);
        await Revert.WithAsync("DisputeWrongPhase", () => Disputes.CommitAsync(juror, id, 0, drawn.Committee, Ruling.Upheld, salt));
        await Revert.WithAsync("DisputeInvalidVote", () => juror.Disputes.RevealAsync(id, 0, (byte)Ruling.None, salt));
        await Revert.WithAsync("DisputeCommitmentMismatch", () => juror.Disputes.RevealAsync(id, 0, (byte)Ruling.Rejected, salt));
        var other = _oracles.Values.First(o => !drawn.Committee.Contains(o.Address, StringComparer.OrdinalIgnoreCase));
        await Revert.WithAsync("DisputeNotCommitted", () => other.Disputes.RevealAsync(id, 0, (byte)Ruling.Upheld, salt));
        await juror.Disputes.RevealAsync(id, 0, (byte)Ruling.Upheld, salt);
        await Revert.WithAsync("DisputeAlreadyRevealed", () => juror.Disputes.RevealAsync(id, 0, (byte)Ruling.Upheld, salt));
        await Revert.WithAsync("DisputeUnknown", () => _client.Disputes.AppealAsync(id + 1000, dispute));
        await Revert.WithAsync("DisputeNotParty", () => other.Disputes.SubmitEvidenceAsync(id, dispute, new byte[32], "ipfs://x"));
        await _client.Disputes.SubmitEvidenceAsync(id, dispute, new byte[32], "ipfs://more");
    }

    [Fact]
    public async Task File_WrongPartyOrPanelOrTerms_RevertWithNamedErrors()
    {
        var (sessionId, terms) = await OpenAsync();
        await TestNetwork.ApproveAsync(_client, _network.AddressOf(Oracle.Chain.Deployment.ContractNames.DisputeManager), Vpn.Tokens(1000));
        await TestNetwork.ApproveAsync(_provider, _network.AddressOf(Oracle.Chain.Deployment.ContractNames.DisputeManager), Vpn.Tokens(1000));

        await Revert.WithAsync("DisputeInvalidClaim", () => _client.Disputes.FileDisputeAsync(Disputes.Claim(sessionId, ClaimType.ClientBreachedPolicy), terms, [], []));
        await Revert.WithAsync("DisputeInvalidClaim", () => _provider.Disputes.FileDisputeAsync(Disputes.Claim(sessionId, ClaimType.ProviderOvercharged), terms, [], []));
        await Revert.WithAsync("DisputeInvalidClaim", () => _client.Disputes.FileDisputeAsync(Disputes.Claim(sessionId, ClaimType.None), terms, [], []));
        await Revert.WithAsync("DisputePanelMismatch", () => _client.Disputes.FileDisputeAsync(Disputes.Claim(sessionId, ClaimType.ProviderOvercharged), terms, [_client.Address], []));
        terms.Deposit += 1;
        await Revert.WithAsync("SessionUnknown", () => _client.Disputes.FileDisputeAsync(Disputes.Claim(sessionId, ClaimType.ProviderOvercharged), terms, [], []));
    }
}
