using System.Numerics;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Deployment;
using Oracle.Chain.Model;
using Oracle.Contracts.Tests.Support;
using Oracle.Testing;

namespace Oracle.Contracts.Tests.DisputeManager;

/// <summary>
/// The Drawing phase is bounded: a committee the oracles cannot fill never holds a dispute (and the session, the
/// provider's bond and the filer's fee) for ever. The network locks a whole minimum stake per seat, so its three
/// price oracles (5000 VPN each, minimum 2500) hold at most two seats each: six seats in all. A committee of seven can
/// never be drawn; one of three always is.
/// </summary>
[Collection(ChainCollection.Name)]
public sealed class DisputeManager_Drawing(ChainFixture chain) : IAsyncLifetime
{
    private static readonly NetworkParameters Scarce = NetworkParameters.Devnet with
    {
        OracleMinStake = Vpn.Tokens(2500),
        LockPerSeat = Vpn.Tokens(2500),
    };

    private Dictionary<string, Actor> _oracles = null!;
    private TestNetwork _network = null!;
    private Actor _provider = null!;
    private Actor _client = null!;

    public async Task InitializeAsync()
    {
        _network = await TestNetwork.DeployAsync(chain, Scarce);
        _oracles = _network.PriceOracles.ToDictionary(o => o.Address, StringComparer.OrdinalIgnoreCase);
        _provider = await _network.NewProviderAsync(extraVpn: 1000);
        _client = await _network.NewActorAsync(vpn: 2000);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(ulong SessionId, Oracle.Chain.Contracts.Session Session, Session Terms)> OpenAsync(byte committee)
    {
        var (id, session) = await Sessions.OpenAsync(_network, _client, Sessions.Params(_network, _provider, committee: committee));
        return (id, session, Disputes.Terms(session));
    }

    /// <summary>Mines the block the randomness waits for and draws; the snapshot cannot fill the committee.</summary>
    private async Task DrawFailsAsync(ulong id, Dispute dispute)
    {
        await chain.MineAsync();
        await _network.FulfillRandomnessAsync();
        var receipt = await _client.Disputes.DrawAsync(id, dispute);
        Assert.Empty(TestNetwork.Events<CommitteeDrawnEvent>(receipt));
        Assert.Equal(id, TestNetwork.Event<RandomnessRequestedAgainEvent>(receipt).DisputeId);
        Assert.Equal((byte)DisputePhase.Drawing, (await _client.Disputes.DisputeInfoQueryAsync(id)).Info.Phase);
    }

    [Fact]
    public async Task EndDrawing_RoundZeroNeverFilled_DismissedSessionClosesBondAndFeeReturned()
    {
        var p = _network.Parameters;
        var (sessionId, session, terms) = await OpenAsync(committee: 7);
        var bond = (await _client.Providers.GetProviderQueryAsync(_provider.Address)).P.Bond;
        var clientBefore = await _client.VpnBalanceAsync();
        var (id, dispute) = await Disputes.FileAsync(_network, _client, Disputes.Claim(sessionId, ClaimType.ProviderOvercharged), terms);
        // The session reserved its penalty from the bond when it opened; the filing holds nothing more.
        Assert.Equal(terms.Penalty, (await _client.Providers.GetProviderQueryAsync(_provider.Address)).P.ReservedBond);
        await DrawFailsAsync(id, dispute);
        await DrawFailsAsync(id, dispute);

        // Before the bound: the dispute may still be drawn, so nobody can end it.
        var deadline = dispute.FiledAt + (ulong)p.DrawingPeriod.TotalSeconds;
        Assert.Equal(deadline, await _client.Disputes.DrawingDeadlineQueryAsync(id, dispute));
        var stranger = await _network.NewActorAsync();
        var early = await Revert.WithAsync("DisputeDrawingNotOver", () => stranger.Disputes.EndDrawingAsync(id, dispute, terms));
        Assert.Equal(new BigInteger(deadline), Assert.IsType<BigInteger>(early["deadline"]));

        await chain.IncreaseTimeAsync(p.DrawingPeriod);
        // After the deadline a draw that draws nothing asks for no new randomness: only endDrawing is left.
        await _network.FulfillRandomnessAsync();
        var ended = await Revert.WithAsync("DisputeDrawingEnded", () => _client.Disputes.DrawAsync(id, dispute));
        Assert.Equal(new BigInteger(deadline), Assert.IsType<BigInteger>(ended["deadline"]));
        var receipt = await stranger.Disputes.EndDrawingAsync(id, dispute, terms);

        var cost = Disputes.FilingCost(_network, 7);
        var dismissed = TestNetwork.Event<DisputeDismissedEvent>(receipt);
        Assert.Equal(id, dismissed.DisputeId);
        Assert.Equal(_client.Address, dismissed.Filer, ignoreCase: true);
        Assert.Equal(cost, dismissed.Refund);
        Assert.Empty(TestNetwork.Events<RulingExecutedEvent>(receipt));
        var info = (await _client.Disputes.DisputeInfoQueryAsync(id)).Info;
        Assert.Equal((byte)DisputePhase.Executed, info.Phase);
        Assert.Equal((byte)Ruling.None, info.Ruling);
        Assert.Equal(0UL, await _client.Disputes.DrawingDeadlineQueryAsync(id, dispute));
        await Revert.WithAsync("DisputeWrongPhase", () => stranger.Disputes.EndDrawingAsync(id, dispute, terms));
        await Revert.WithAsync("DisputeWrongPhase", () => _client.Disputes.DrawAsync(id, dispute));

        // Nothing but the session's own reservation is held any more (it stays until claims can no longer come).
        Assert.Equal(0, (await _client.Sessions.SessionStateQueryAsync(sessionId)).State.OpenDisputes);
        Assert.Equal(terms.Penalty, (await _client.Providers.GetProviderQueryAsync(_provider.Address)).P.ReservedBond);

        // The filer takes its whole fee and stake back.
        Assert.Equal(cost, await _client.Disputes.ClaimableQueryAsync(_client.Address));
        await _client.Disputes.WithdrawAsync();
        Assert.Equal(clientBefore, await _client.VpnBalanceAsync());

        // The session closes normally (the client gets its deposit back) and the provider leaves with its whole bond.
        await _provider.Sessions.CloseSessionAsync(sessionId, session, Sessions.NoVoucher(sessionId), []);
        Assert.Equal(clientBefore + terms.Deposit, await _client.VpnBalanceAsync());
        await _provider.Providers.RequestUnbondAsync();
        await chain.IncreaseTimeAsync(p.ProviderUnbondingDelay);
        // The session's reservation stays until it is released; the rest leaves at once, the reserved part after.
        var providerBefore = await _provider.VpnBalanceAsync();
        await _provider.Providers.WithdrawBondAsync();
        Assert.Equal(providerBefore + bond - terms.Penalty, await _provider.VpnBalanceAsync());
        await Revert.WithAsync("ProviderBondReserved", () => _provider.Providers.WithdrawBondAsync());
        await stranger.Sessions.ReleaseBondAsync(sessionId, session);
        await _provider.Providers.WithdrawBondAsync();
        Assert.Equal(providerBefore + bond, await _provider.VpnBalanceAsync());
    }

    [Fact]
    public async Task EndDrawing_AppealNeverFilled_PreviousRulingExecutedAppellantRefunded()
    {
        var p = _network.Parameters;
        var (sessionId, _, terms) = await OpenAsync(committee: 3);
        var bond = (await _client.Providers.GetProviderQueryAsync(_provider.Address)).P.Bond;
        var (id, dispute) = await Disputes.FileAsync(_network, _client, Disputes.Claim(sessionId, ClaimType.ProviderWithheldService), terms);
        var drawn = await Disputes.DrawAsync(_network, _client, id, dispute);
        var jurors = Disputes.Distinct(drawn.Committee);
        var salts = jurors.Select(_ => Disputes.Salt()).ToList();
        for (var i = 0; i < jurors.Count; i++)
        {
            await Disputes.CommitAsync(_oracles[jurors[i]], id, 0, drawn.Committee, Ruling.Upheld, salts[i]);
        }

        await chain.IncreaseTimeAsync(p.CommitPeriod);
        for (var i = 0; i < jurors.Count; i++)
        {
            await _oracles[jurors[i]].Disputes.RevealAsync(id, 0, (byte)Ruling.Upheld, salts[i]);
        }

        await chain.IncreaseTimeAsync(p.RevealPeriod);
        Assert.Equal((byte)DisputePhase.Appealable, (await _client.Disputes.DisputeInfoQueryAsync(id)).Info.Phase);

        // The provider lost and appeals to seven seats, more than the oracles can hold.
        var appealCost = (p.FeePerSeat * 7) + p.StakePerRound;
        await TestNetwork.ApproveAsync(_provider, _network.AddressOf(ContractNames.DisputeManager), appealCost);
        var providerBefore = await _provider.VpnBalanceAsync();
        await _provider.Disputes.AppealAsync(id, dispute);
        Assert.Equal(providerBefore - appealCost, await _provider.VpnBalanceAsync());
        await DrawFailsAsync(id, dispute);

        // The appeal's drawing deadline runs from the end of round 0's appeal window.
        var round0 = (await _client.Disputes.RoundInfoQueryAsync(id, 0)).Info;
        var deadline = round0.AppealDeadline + (ulong)p.DrawingPeriod.TotalSeconds;
        Assert.Equal(deadline, await _client.Disputes.DrawingDeadlineQueryAsync(id, dispute));
        await chain.IncreaseTimeAsync(p.AppealPeriod);
        await Revert.WithAsync("DisputeDrawingNotOver", () => _client.Disputes.EndDrawingAsync(id, dispute, terms));
        await Revert.WithAsync("DisputeWrongPhase", () => _client.Disputes.ExecuteRulingAsync(id, dispute, terms));

        await chain.IncreaseTimeAsync(p.DrawingPeriod);
        var receipt = await _client.Disputes.EndDrawingAsync(id, dispute, terms);

        var dismissed = TestNetwork.Event<AppealDismissedEvent>(receipt);
        Assert.Equal(1, dismissed.Round);
        Assert.Equal(_provider.Address, dismissed.Appellant, ignoreCase: true);
        Assert.Equal(appealCost, dismissed.Refund);
        // Round 0's ruling stands, executed as if nobody had appealed: the bond pays the client, who gets round 0's stake.
        var executed = TestNetwork.Event<RulingExecutedEvent>(receipt);
        Assert.Equal((byte)Ruling.Upheld, executed.Ruling);
        Assert.Equal(_client.Address, executed.Winner, ignoreCase: true);
        Assert.Equal(terms.Penalty, executed.Penalty);
        Assert.Equal(p.StakePerRound, executed.Stakes);
        var info = (await _client.Disputes.DisputeInfoQueryAsync(id)).Info;
        Assert.Equal((byte)DisputePhase.Executed, info.Phase);
        Assert.Equal(0, info.Round);
        Assert.Equal((byte)Ruling.Upheld, info.Ruling);
        Assert.Equal(terms.Penalty + p.StakePerRound, await _client.Disputes.ClaimableQueryAsync(_client.Address));
        Assert.Equal(appealCost, await _client.Disputes.ClaimableQueryAsync(_provider.Address));
        var record = (await _client.Providers.GetProviderQueryAsync(_provider.Address)).P;
        Assert.Equal(bond - terms.Penalty, record.Bond);
        Assert.Equal(0, record.ReservedBond);
        Assert.Equal(0, (await _client.Sessions.SessionStateQueryAsync(sessionId)).State.OpenDisputes);
        await Revert.WithAsync("DisputeWrongPhase", () => _client.Disputes.EndDrawingAsync(id, dispute, terms));
        await Revert.WithAsync("DisputeWrongPhase", () => _client.Disputes.ExecuteRulingAsync(id, dispute, terms));
        await Revert.WithAsync("DisputeWrongPhase", () => _client.Disputes.DrawAsync(id, dispute));

        // The appellant withdraws its refund; round 0's jurors are paid as usual.
        providerBefore = await _provider.VpnBalanceAsync();
        await _provider.Disputes.WithdrawAsync();
        Assert.Equal(providerBefore + appealCost, await _provider.VpnBalanceAsync());
        var juror = _oracles[jurors[0]];
        var seats = drawn.Committee.Count(a => a.Equals(juror.Address, StringComparison.OrdinalIgnoreCase));
        var jurorBefore = await juror.VpnBalanceAsync();
        await juror.Disputes.ClaimRewardAsync(id, 0);
        Assert.Equal(jurorBefore + (p.FeePerSeat * seats), await juror.VpnBalanceAsync());
        Assert.Equal(0, (await juror.Oracles.OracleInfoQueryAsync(juror.Address)).Info.Locked);
        await Revert.WithAsync("DisputeWrongPhase", () => juror.Disputes.ClaimRewardAsync(id, 1));
    }

    [Fact]
    public async Task EndDrawing_ClaimAgainstClientNeverFilled_ProviderRefundedClientClosesTheSession()
    {
        var p = _network.Parameters;
        var (sessionId, session, terms) = await OpenAsync(committee: 7);
        var providerBefore = await _provider.VpnBalanceAsync();
        var (id, dispute) = await Disputes.FileAsync(_network, _provider, Disputes.Claim(sessionId, ClaimType.ClientBreachedPolicy), terms);
        Assert.Equal(new byte[32], dispute.RecordHash);
        await DrawFailsAsync(id, dispute);
        await _client.Sessions.StartCloseAsync(sessionId, session);
        await chain.IncreaseTimeAsync(p.DrawingPeriod);
        await Revert.WithAsync("SessionDisputeOpen", () => _client.Sessions.FinalizeCloseAsync(sessionId, session));

        var dismissed = TestNetwork.Event<DisputeDismissedEvent>(await _client.Disputes.EndDrawingAsync(id, dispute, terms));

        Assert.Equal(_provider.Address, dismissed.Filer, ignoreCase: true);
        await _provider.Disputes.WithdrawAsync();
        Assert.Equal(providerBefore, await _provider.VpnBalanceAsync());
        // The client's deposit is not touched: the challenge window is over, so its close finalizes with the refund.
        var clientBefore = await _client.VpnBalanceAsync();
        await _client.Sessions.FinalizeCloseAsync(sessionId, session);
        Assert.Equal(clientBefore + terms.Deposit, await _client.VpnBalanceAsync());
    }

    [Fact]
    public async Task EndDrawing_DrawnOrUnknown_RevertsAndDeployRejectsZeroPeriod()
    {
        var (sessionId, _, terms) = await OpenAsync(committee: 3);
        var (id, dispute) = await Disputes.FileAsync(_network, _client, Disputes.Claim(sessionId, ClaimType.ProviderOvercharged), terms);
        await Disputes.DrawAsync(_network, _client, id, dispute);
        await chain.IncreaseTimeAsync(_network.Parameters.DrawingPeriod);

        // A drawn round is past Drawing, however late: its clock runs on from the draw.
        await Revert.WithAsync("DisputeWrongPhase", () => _client.Disputes.EndDrawingAsync(id, dispute, terms));
        await Revert.WithAsync("DisputeUnknown", () => _client.Disputes.EndDrawingAsync(id + 1000, dispute, terms));
        Assert.Equal(0UL, await _client.Disputes.DrawingDeadlineQueryAsync(id, dispute));

        var deployment = new DisputeManagerDeployment
        {
            Wiring = new Wiring { Token = _network.AddressOf(ContractNames.VpnToken), Sessions = _network.AddressOf(ContractNames.SessionManager), Oracles = _network.AddressOf(ContractNames.OracleRegistry), Randomness = _network.AddressOf(ContractNames.RandomnessSource) },
            Parameters = new Parameters { FeePerSeat = 1, StakePerRound = 1, LockPerSeat = 1, CommitPeriod = 1, RevealPeriod = 1, AppealPeriod = 1, DrawingPeriod = 0, MaxRounds = 3 },
        };
        var error = await Revert.WithAsync("DisputeInvalidParameter", () => ContractDeployer.DeployAsync(_network.Deployer.Web3, "DisputeManager", deployment));
        Assert.Equal("drawingPeriod", error["name"]);
    }

    [Fact]
    public async Task Draw_FailedDrawThenNewStake_DrawsBeforeTheDeadline()
    {
        // The bound does not cut honest draws short: a failed draw exhausts its snapshot and takes a new one, so stake
        // added after it fills the committee on a later draw, before anyone may end the drawing.
        var (sessionId, _, terms) = await OpenAsync(committee: 7);
        var (id, dispute) = await Disputes.FileAsync(_network, _client, Disputes.Claim(sessionId, ClaimType.ProviderOvercharged), terms);
        await DrawFailsAsync(id, dispute);
        var newcomer = await _network.NewOracleAsync(20_000);
        // The snapshot the failed draw took was opened before the newcomer staked: it still holds six seats.
        await DrawFailsAsync(id, dispute);

        var drawn = await Disputes.DrawAsync(_network, _client, id, dispute);

        Assert.Equal(7, drawn.Committee.Count);
        Assert.Contains(drawn.Committee, a => a.Equals(newcomer.Address, StringComparison.OrdinalIgnoreCase));
        Assert.Equal((byte)DisputePhase.Commit, (await _client.Disputes.DisputeInfoQueryAsync(id)).Info.Phase);
        await Revert.WithAsync("DisputeWrongPhase", () => _client.Disputes.EndDrawingAsync(id, dispute, terms));
    }
}
