using System.Numerics;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Model;
using Oracle.Chain.Deployment;
using Oracle.Contracts.Tests.Support;
using Oracle.Testing;

namespace Oracle.Contracts.Tests.SessionManager;

[Collection(ChainCollection.Name)]
public sealed class SessionManager_Lifecycle(ChainFixture chain) : IAsyncLifetime
{
    private TestNetwork _network = null!;
    private Actor _provider = null!;
    private Actor _client = null!;

    public async Task InitializeAsync()
    {
        _network = await TestNetwork.DeployAsync(chain);
        _provider = await _network.NewProviderAsync();
        _client = await _network.NewActorAsync(vpn: 1000);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task OpenSession_ValidTerms_RecordsSessionAndTakesDeposit()
    {
        var before = await _client.VpnBalanceAsync();
        var (id, session) = await Sessions.OpenAsync(_network, _client, Sessions.Params(_network, _provider));

        Assert.Equal(before - Sessions.DefaultDeposit, await _client.VpnBalanceAsync());
        var state = await _client.Sessions.SessionStateQueryAsync(id);
        Assert.Equal((byte)SessionStatus.Open, state.State.Status);
        Assert.True(await _client.Sessions.IsSessionQueryAsync(id, session));
        Assert.Equal(_client.Address, session.Client, ignoreCase: true);
    }

    [Fact]
    public async Task SettleVoucher_LaterVoucher_PaysTheDifference()
    {
        var (id, session) = await Sessions.OpenAsync(_network, _client, Sessions.Params(_network, _provider));
        var providerBefore = await _provider.VpnBalanceAsync();
        var (v1, s1) = Sessions.SignVoucher(_network, _client, id, Vpn.Tokens(10));
        var (v2, s2) = Sessions.SignVoucher(_network, _client, id, Vpn.Tokens(25));

        var receipt = await _provider.Sessions.SettleVoucherAsync(id, session, v1, s1);
        await _provider.Sessions.SettleVoucherAsync(id, session, v2, s2);
        // An older voucher settles nothing.
        await _provider.Sessions.SettleVoucherAsync(id, session, v1, s1);

        Assert.Equal(Vpn.Tokens(10), TestNetwork.Event<VoucherSettledEvent>(receipt).Paid);
        Assert.Equal(providerBefore + Vpn.Tokens(25), await _provider.VpnBalanceAsync());
        Assert.Equal(Vpn.Tokens(25), (await _client.Sessions.SessionStateQueryAsync(id)).State.Paid);
    }

    [Fact]
    public async Task CloseSession_ByProvider_PaysProviderRefundsClientRecordsStopTime()
    {
        var (id, session) = await Sessions.OpenAsync(_network, _client, Sessions.Params(_network, _provider));
        var clientBefore = await _client.VpnBalanceAsync();
        var providerBefore = await _provider.VpnBalanceAsync();
        var (v, s) = Sessions.SignVoucher(_network, _client, id, Vpn.Tokens(30));

        var closed = TestNetwork.Event<SessionClosedEvent>(await _provider.Sessions.CloseSessionAsync(id, session, v, s));

        Assert.Equal(Vpn.Tokens(30), closed.PaidToProvider);
        Assert.Equal(Vpn.Tokens(70), closed.RefundedToClient);
        Assert.Equal(providerBefore + Vpn.Tokens(30), await _provider.VpnBalanceAsync());
        Assert.Equal(clientBefore + Vpn.Tokens(70), await _client.VpnBalanceAsync());
        var state = (await _client.Sessions.SessionStateQueryAsync(id)).State;
        Assert.Equal((byte)SessionStatus.Closed, state.Status);
        Assert.Equal(closed.ClosedAt, state.ClosedAt);
    }

    [Fact]
    public async Task CloseSession_VoucherAboveDeposit_PaysOnlyTheDeposit()
    {
        var (id, session) = await Sessions.OpenAsync(_network, _client, Sessions.Params(_network, _provider));
        var (v, s) = Sessions.SignVoucher(_network, _client, id, Vpn.Tokens(1000));

        var closed = TestNetwork.Event<SessionClosedEvent>(await _provider.Sessions.CloseSessionAsync(id, session, v, s));

        Assert.Equal(Sessions.DefaultDeposit, closed.PaidToProvider);
        Assert.Equal(0, closed.RefundedToClient);
    }

    [Fact]
    public async Task CloseSession_WithoutVoucher_RefundsEverything()
    {
        var (id, session) = await Sessions.OpenAsync(_network, _client, Sessions.Params(_network, _provider));

        var closed = TestNetwork.Event<SessionClosedEvent>(await _provider.Sessions.CloseSessionAsync(id, session, Sessions.NoVoucher(id), []));

        Assert.Equal(0, closed.PaidToProvider);
        Assert.Equal(Sessions.DefaultDeposit, closed.RefundedToClient);
    }

    [Fact]
    public async Task StartClose_ProviderAnswersWithLaterVoucher_FinalizeRefundsTheRest()
    {
        var (id, session) = await Sessions.OpenAsync(_network, _client, Sessions.Params(_network, _provider));
        var started = TestNetwork.Event<CloseStartedEvent>(await _client.Sessions.StartCloseAsync(id, session));
        var (v, s) = Sessions.SignVoucher(_network, _client, id, Vpn.Tokens(45));
        await _provider.Sessions.SettleVoucherAsync(id, session, v, s);
        await Revert.WithAsync("SessionChallengeWindowOpen", () => _client.Sessions.FinalizeCloseAsync(id, session));

        await chain.IncreaseTimeAsync(_network.Parameters.ChallengeWindow);
        var stranger = await _network.NewActorAsync();
        var closed = TestNetwork.Event<SessionClosedEvent>(await stranger.Sessions.FinalizeCloseAsync(id, session));

        Assert.Equal(Vpn.Tokens(55), closed.RefundedToClient);
        Assert.True(started.CloseDeadline > 0);
        await Revert.WithAsync("SessionWrongStatus", () => _provider.Sessions.SettleVoucherAsync(id, session, v, s));
    }

    [Fact]
    public async Task SettleVoucher_AfterChallengeWindow_RevertsSessionChallengeWindowClosed()
    {
        var (id, session) = await Sessions.OpenAsync(_network, _client, Sessions.Params(_network, _provider));
        await _client.Sessions.StartCloseAsync(id, session);
        await chain.IncreaseTimeAsync(_network.Parameters.ChallengeWindow);
        var (v, s) = Sessions.SignVoucher(_network, _client, id, Vpn.Tokens(45));

        await Revert.WithAsync("SessionChallengeWindowClosed", () => _provider.Sessions.SettleVoucherAsync(id, session, v, s));
        await Revert.WithAsync("SessionChallengeWindowClosed", () => _provider.Sessions.CloseSessionAsync(id, session, v, s));
    }

    [Fact]
    public async Task SettleVoucher_AfterMaxSessionDuration_RevertsSessionExpiredAndCloseStillPaysTheLastVoucher()
    {
        var (id, session) = await Sessions.OpenAsync(_network, _client, Sessions.Params(_network, _provider));
        var (v1, s1) = Sessions.SignVoucher(_network, _client, id, Vpn.Tokens(10));
        await _provider.Sessions.SettleVoucherAsync(id, session, v1, s1);
        var (last, lastSignature) = Sessions.SignVoucher(_network, _client, id, Vpn.Tokens(25));

        await chain.IncreaseTimeAsync(_network.Parameters.MaxSessionDuration);
        var error = await Revert.WithAsync("SessionExpired", () => _provider.Sessions.SettleVoucherAsync(id, session, last, lastSignature));
        Assert.Equal(new BigInteger(id), Assert.IsType<BigInteger>(error["sessionId"]));
        var endsAt = session.OpenedAt + (ulong)_network.Parameters.MaxSessionDuration.TotalSeconds;
        Assert.Equal(new BigInteger(endsAt), Assert.IsType<BigInteger>(error["endsAt"]));
        // Anyone's submission is refused alike, and nothing moved.
        var stranger = await _network.NewActorAsync();
        await Revert.WithAsync("SessionExpired", () => stranger.Sessions.SettleVoucherAsync(id, session, last, lastSignature));
        Assert.Equal(Vpn.Tokens(10), (await _client.Sessions.SessionStateQueryAsync(id)).State.Paid);

        // The provider closes with its last voucher: paid the rest of it, the client refunded the remainder.
        var providerBefore = await _provider.VpnBalanceAsync();
        var clientBefore = await _client.VpnBalanceAsync();
        var closed = TestNetwork.Event<SessionClosedEvent>(await _provider.Sessions.CloseSessionAsync(id, session, last, lastSignature));
        Assert.Equal(Vpn.Tokens(15), closed.PaidToProvider);
        Assert.Equal(Vpn.Tokens(75), closed.RefundedToClient);
        Assert.Equal(providerBefore + Vpn.Tokens(15), await _provider.VpnBalanceAsync());
        Assert.Equal(clientBefore + Vpn.Tokens(75), await _client.VpnBalanceAsync());
    }

    [Fact]
    public async Task StartClose_AfterMaxSessionDuration_ProviderStillAnswersWithItsLastVoucher()
    {
        var (id, session) = await Sessions.OpenAsync(_network, _client, Sessions.Params(_network, _provider));
        var (v, s) = Sessions.SignVoucher(_network, _client, id, Vpn.Tokens(40));
        await chain.IncreaseTimeAsync(_network.Parameters.MaxSessionDuration + TimeSpan.FromHours(1));
        await Revert.WithAsync("SessionExpired", () => _provider.Sessions.SettleVoucherAsync(id, session, v, s));

        // The client's close opens the challenge window: the provider's answer is bounded by it, not by the end.
        await _client.Sessions.StartCloseAsync(id, session);
        var settled = TestNetwork.Event<VoucherSettledEvent>(await _provider.Sessions.SettleVoucherAsync(id, session, v, s));
        Assert.Equal(Vpn.Tokens(40), settled.Paid);

        await chain.IncreaseTimeAsync(_network.Parameters.ChallengeWindow);
        var closed = TestNetwork.Event<SessionClosedEvent>(await _client.Sessions.FinalizeCloseAsync(id, session));
        Assert.Equal(Vpn.Tokens(60), closed.RefundedToClient);
    }

    [Fact]
    public async Task OpenSessionWithPermit_OneTransaction_Opens()
    {
        var p = Sessions.Params(_network, _provider);
        var sm = _network.AddressOf(ContractNames.SessionManager);
        var deadline = await chain.LatestTimestampAsync() + 3600;
        var (v, r, s) = await Permits.SignAsync(_network, _client, sm, p.Deposit, deadline);

        var opened = TestNetwork.Event<SessionOpenedEvent>(await _client.Sessions.OpenSessionWithPermitAsync(p, deadline, v, r, s));

        Assert.Equal(p.Deposit, opened.Deposit);
    }

    [Fact]
    public async Task OpenSession_WrongPriceOrPolicy_RevertsSessionTermsChanged()
    {
        var p = Sessions.Params(_network, _provider);
        p.PricePerMiB += 1;
        await TestNetwork.ApproveAsync(_client, _network.AddressOf(ContractNames.SessionManager), p.Deposit);
        await Revert.WithAsync("SessionTermsChanged", () => _client.Sessions.OpenSessionAsync(p));
    }

    [Fact]
    public async Task OpenSession_BadParameters_RevertWithNamedErrors()
    {
        await TestNetwork.ApproveAsync(_client, _network.AddressOf(ContractNames.SessionManager), Vpn.Tokens(1000));
        var stranger = await _network.NewActorAsync();

        await Revert.WithAsync("SessionProviderNotActive", () => _client.Sessions.OpenSessionAsync(Sessions.Params(_network, stranger)));
        await Revert.WithAsync("SessionInvalidDeposit", () => _client.Sessions.OpenSessionAsync(Sessions.Params(_network, _provider, deposit: 0)));
        await Revert.WithAsync("SessionInvalidDeposit", () => _client.Sessions.OpenSessionAsync(Sessions.Params(_network, _provider, penalty: Vpn.Tokens(101))));
        await Revert.WithAsync("SessionInvalidCommittee", () => _client.Sessions.OpenSessionAsync(Sessions.Params(_network, _provider, committee: 4)));
        await Revert.WithAsync("SessionInvalidCommittee", () => _client.Sessions.OpenSessionAsync(Sessions.Params(_network, _provider, committee: 17)));
        await Revert.WithAsync("SessionPanelNotAccepted", () => _client.Sessions.OpenSessionAsync(Sessions.Params(_network, _provider, committee: 3, panel: [stranger.Address])));
        var deadline = await chain.LatestTimestampAsync() + 600;
        var oneMember = Sessions.Params(_network, _provider, committee: 3, panel: [stranger.Address]);
        await Revert.WithAsync("SessionInvalidCommittee", () => _client.Sessions.OpenSessionWithPanelAsync(oneMember, deadline, Sessions.SignPanelAcceptance(_network, _provider, _client.Address, oneMember, deadline)));
        var unordered = Sessions.Params(_network, _provider, committee: 3, panel: ["0x0000000000000000000000000000000000000003", "0x0000000000000000000000000000000000000002", "0x0000000000000000000000000000000000000004"]);
        await Revert.WithAsync("SessionInvalidPanel", () => _client.Sessions.OpenSessionWithPanelAsync(unordered, deadline, Sessions.SignPanelAcceptance(_network, _provider, _client.Address, unordered, deadline)));
        await Revert.WithAsync("SessionUnauthorized", () => _provider.Sessions.OpenSessionAsync(Sessions.Params(_network, _provider)));
    }

    [Fact]
    public async Task SessionCalls_WrongPartyOrTermsOrStatus_RevertWithNamedErrors()
    {
        var (id, session) = await Sessions.OpenAsync(_network, _client, Sessions.Params(_network, _provider));
        var forged = new Session
        {
            Client = session.Client, Provider = session.Provider, Deposit = session.Deposit * 10, PricePerMiB = session.PricePerMiB,
            Penalty = session.Penalty, CommitteeSize = session.CommitteeSize, OpenedAt = session.OpenedAt, PolicyHash = session.PolicyHash, PanelHash = session.PanelHash,
        };

        await Revert.WithAsync("SessionUnknown", () => _client.Sessions.StartCloseAsync(id, forged));
        await Revert.WithAsync("SessionUnauthorized", () => _client.Sessions.CloseSessionAsync(id, session, Sessions.NoVoucher(id), []));
        await Revert.WithAsync("SessionUnauthorized", () => _provider.Sessions.StartCloseAsync(id, session));
        await Revert.WithAsync("SessionWrongStatus", () => _client.Sessions.FinalizeCloseAsync(id, session));
        await Revert.WithAsync("SessionUnauthorized", () => _client.Sessions.DisputeFiledAsync(id, session, true));
        await Revert.WithAsync("SessionUnauthorized", () => _client.Sessions.DisputeResolvedAsync(id, session, true, true));
        await Revert.WithAsync("SessionUnauthorized", () => _client.Sessions.SetDisputeManagerAsync(_client.Address));
        await Revert.WithAsync("SessionDisputeManagerAlreadySet", () => _network.Deployer.Sessions.SetDisputeManagerAsync(_client.Address));

        await _provider.Sessions.CloseSessionAsync(id, session, Sessions.NoVoucher(id), []);
        await Revert.WithAsync("SessionWrongStatus", () => _client.Sessions.StartCloseAsync(id, session));
        var (v, s) = Sessions.SignVoucher(_network, _client, id, Vpn.Tokens(1));
        await Revert.WithAsync("SessionWrongStatus", () => _provider.Sessions.SettleVoucherAsync(id, session, v, s));
    }

    [Fact]
    public async Task Views_DomainAndHashes_MatchCoreTypedData()
    {
        var domain = Sessions.Domain(_network);
        var (v, s) = Sessions.SignVoucher(_network, _client, 7, Vpn.Tokens(3));
        var core = new Oracle.Core.Eip712.Voucher { SessionId = 7, CumulativeAmount = Vpn.Tokens(3), CumulativeBytes = 1 << 20, LogRoot = new byte[32] };
        var checkpoint = new Oracle.Core.Eip712.Checkpoint { SessionId = 7, TreeSize = 9, Root = new byte[32], EpochTime = 100, CaptureDrops = 2 };
        var cp = new Checkpoint { SessionId = 7, TreeSize = 9, Root = new byte[32], EpochTime = 100, CaptureDrops = 2 };
        var cpSignature = Nethereum.Hex.HexConvertors.Extensions.HexByteConvertorExtensions.HexToByteArray(Oracle.Core.Eip712.TypedDataSigner.Sign(checkpoint, domain, _provider.Key));

        Assert.Equal(Oracle.Core.Eip712.TypedDataSigner.DomainSeparator(domain), await _client.Sessions.DomainSeparatorQueryAsync());
        Assert.Equal(Oracle.Core.Eip712.TypedDataSigner.Hash(core, domain), await _client.Sessions.HashVoucherQueryAsync(v));
        Assert.Equal(Oracle.Core.Eip712.TypedDataSigner.Hash(checkpoint, domain), await _client.Sessions.HashCheckpointQueryAsync(cp));
        Assert.Equal(_client.Address, await _client.Sessions.VoucherSignerQueryAsync(v, s), ignoreCase: true);
        Assert.Equal(_provider.Address, await _client.Sessions.CheckpointSignerQueryAsync(cp, cpSignature), ignoreCase: true);
        Assert.Equal("0x0000000000000000000000000000000000000000", await _client.Sessions.VoucherSignerQueryAsync(v, new byte[65]));
        Assert.Equal(15, await _client.Sessions.MaxCommitteeSizeQueryAsync());
        Assert.Equal(_network.AddressOf(ContractNames.DisputeManager), await _client.Sessions.DisputeManagerQueryAsync(), ignoreCase: true);
        Assert.Equal(_network.AddressOf(ContractNames.ProviderRegistry), await _client.Sessions.ProviderRegistryQueryAsync(), ignoreCase: true);
        Assert.Equal(_network.AddressOf(ContractNames.VpnToken), await _client.Sessions.TokenQueryAsync(), ignoreCase: true);
        Assert.Equal((ulong)_network.Parameters.MaxSessionDuration.TotalSeconds, await _client.Sessions.MaxSessionDurationQueryAsync());
        Assert.Equal((ulong)_network.Parameters.DisputeWindow.TotalSeconds, await _client.Sessions.DisputeWindowQueryAsync());
        Assert.Equal((ulong)_network.Parameters.ChallengeWindow.TotalSeconds, await _client.Sessions.ChallengeWindowQueryAsync());
        Assert.True(await _client.Sessions.NextSessionIdQueryAsync() >= 1);
    }
}
