using System.Numerics;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Deployment;
using Oracle.Chain.Model;
using Oracle.Contracts.Tests.Support;
using Oracle.Core.Eip712;
using Oracle.Testing;
using DmSession = Oracle.Chain.Contracts.Session;
using RulingExecutedEvent = Oracle.Chain.Contracts.DisputeManager.RulingExecutedEvent;

namespace Oracle.Contracts.Tests.SessionManager;

/// <summary>
/// Each session reserves its penalty from the provider's bond when it opens and releases the rest once no claim can
/// come; what all rulings of a session take is its penalty per side; a named panel needs the provider's acceptance.
/// </summary>
[Collection(ChainCollection.Name)]
public sealed class SessionManager_BondReservation(ChainFixture chain) : IAsyncLifetime
{
    private Dictionary<string, Actor> _oracles = null!;
    private TestNetwork _network = null!;
    private Actor _provider = null!;
    private Actor _client = null!;

    public async Task InitializeAsync()
        => (_network, _oracles, _provider, _client) = await DisputeArena.CreateAsync(chain, oracles: 4, stakeOf: _ => 1000, providerExtraVpn: 1000, clientVpn: 3000);

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<BigInteger> FreeBondAsync() => _client.Providers.FreeBondQueryAsync(_provider.Address);

    [Fact]
    public async Task Open_PenaltyBeyondTheFreeBond_RevertsSessionPenaltyNotCoveredAndReservesNothing()
    {
        var bond = (await _client.Providers.GetProviderQueryAsync(_provider.Address)).P.Bond;
        var (_, first) = await Sessions.OpenAsync(_network, _client, Sessions.Params(_network, _provider, deposit: Vpn.Tokens(700), penalty: Vpn.Tokens(700)));
        Assert.Equal(bond - first.Penalty, await FreeBondAsync());

        await TestNetwork.ApproveAsync(_client, _network.AddressOf(ContractNames.SessionManager), Vpn.Tokens(400));
        var error = await Revert.WithAsync("SessionPenaltyNotCovered", () => _client.Sessions.OpenSessionAsync(Sessions.Params(_network, _provider, deposit: Vpn.Tokens(400), penalty: Vpn.Tokens(400))));
        Assert.Equal(Vpn.Tokens(300), Assert.IsType<BigInteger>(error["freeBond"]));
        Assert.Equal(bond - first.Penalty, await FreeBondAsync());
        // A session without a penalty reserves nothing and is always covered.
        await Sessions.OpenAsync(_network, _client, Sessions.Params(_network, _provider, penalty: 0));
        await Sessions.OpenAsync(_network, _client, Sessions.Params(_network, _provider, deposit: Vpn.Tokens(300), penalty: Vpn.Tokens(300)));
        Assert.Equal(0, await FreeBondAsync());
    }

    [Fact]
    public async Task ReleaseBond_AfterTheClaimsWindowWithoutDisputes_FreesTheReservationOnce()
    {
        var (id, session) = await Sessions.OpenAsync(_network, _client, Sessions.Params(_network, _provider));
        var free = await FreeBondAsync();
        var terms = Disputes.Terms(session);
        var stranger = await _network.NewActorAsync();

        await _provider.Sessions.CloseSessionAsync(id, session, Sessions.NoVoucher(id), []);
        var closedAt = (await _client.Sessions.SessionStateQueryAsync(id)).State.ClosedAt;
        var until = closedAt + (ulong)_network.Parameters.DisputeWindow.TotalSeconds;
        var early = await Revert.WithAsync("SessionClaimsStillOpen", () => stranger.Sessions.ReleaseBondAsync(id, session));
        Assert.Equal(new BigInteger(until), Assert.IsType<BigInteger>(early["until"]));

        // A claim filed on the last day holds the reservation until it is executed.
        await chain.IncreaseTimeAsync(_network.Parameters.DisputeWindow - TimeSpan.FromHours(1));
        var (disputeId, dispute) = await Disputes.FileAsync(_network, _client, Disputes.Claim(id, ClaimType.ProviderWithheldService), terms);
        await chain.IncreaseTimeAsync(TimeSpan.FromHours(2));
        await Revert.WithAsync("SessionDisputeOpen", () => stranger.Sessions.ReleaseBondAsync(id, session));
        await chain.IncreaseTimeAsync(_network.Parameters.DrawingPeriod);
        await stranger.Disputes.EndDrawingAsync(disputeId, dispute, terms);

        var released = TestNetwork.Event<SessionBondReleasedEvent>(await stranger.Sessions.ReleaseBondAsync(id, session));
        Assert.Equal(session.Penalty, released.Amount);
        Assert.Equal(free + session.Penalty, await FreeBondAsync());
        Assert.True((await _client.Sessions.SessionStateQueryAsync(id)).State.BondReleased);
        await Revert.WithAsync("SessionBondAlreadyReleased", () => stranger.Sessions.ReleaseBondAsync(id, session));
        // No claim against the provider can come any more.
        await TestNetwork.ApproveAsync(_client, _network.AddressOf(ContractNames.DisputeManager), Vpn.Tokens(100));
        await Revert.WithAsync("SessionDisputeWindowClosed", () => _client.Disputes.FileDisputeAsync(Disputes.Claim(id, ClaimType.ProviderOvercharged), terms, [], []));
    }

    [Fact]
    public async Task ReleaseBond_SessionNeverClosed_AfterItsLongestLifePlusTheWindow()
    {
        var (id, session) = await Sessions.OpenAsync(_network, _client, Sessions.Params(_network, _provider));
        await chain.IncreaseTimeAsync(_network.Parameters.MaxSessionDuration);
        await Revert.WithAsync("SessionClaimsStillOpen", () => _provider.Sessions.ReleaseBondAsync(id, session));
        await chain.IncreaseTimeAsync(_network.Parameters.DisputeWindow + TimeSpan.FromMinutes(1));

        await _provider.Sessions.ReleaseBondAsync(id, session);

        Assert.Equal(0, (await _client.Providers.GetProviderQueryAsync(_provider.Address)).P.ReservedBond);
        // The client's deposit is untouched: it still closes the session and takes it back.
        await _client.Sessions.StartCloseAsync(id, session);
        await chain.IncreaseTimeAsync(_network.Parameters.ChallengeWindow);
        var before = await _client.VpnBalanceAsync();
        await _client.Sessions.FinalizeCloseAsync(id, session);
        Assert.Equal(before + session.Deposit, await _client.VpnBalanceAsync());
    }

    [Fact]
    public async Task UpheldClaimsAgainstTheProvider_TwoOnOneSession_TakeThePenaltyOnce()
    {
        var (id, session) = await Sessions.OpenAsync(_network, _client, Sessions.Params(_network, _provider));
        var terms = Disputes.Terms(session);
        var bond = (await _client.Providers.GetProviderQueryAsync(_provider.Address)).P.Bond;

        var first = await UpheldAsync(id, terms, ClaimType.ProviderBreachedPolicy);
        var second = await UpheldAsync(id, terms, ClaimType.ProviderOvercharged);

        Assert.Equal(terms.Penalty, first.Penalty);
        Assert.Equal(0, second.Penalty);
        var state = (await _client.Sessions.SessionStateQueryAsync(id)).State;
        Assert.Equal(terms.Penalty, state.BondTaken);
        var provider = (await _client.Providers.GetProviderQueryAsync(_provider.Address)).P;
        Assert.Equal(bond - terms.Penalty, provider.Bond);
        Assert.Equal(0, provider.ReservedBond);
        // Nothing is left to release.
        await chain.IncreaseTimeAsync(_network.Parameters.MaxSessionDuration + _network.Parameters.DisputeWindow);
        Assert.Equal(0, TestNetwork.Event<SessionBondReleasedEvent>(await _client.Sessions.ReleaseBondAsync(id, session)).Amount);
    }

    private async Task<RulingExecutedEvent> UpheldAsync(ulong sessionId, DmSession terms, ClaimType type)
    {
        var (id, dispute) = await Disputes.FileAsync(_network, _client, Disputes.Claim(sessionId, type), terms);
        var drawn = await Disputes.DrawAsync(_network, _client, id, dispute);
        await Rulings.VoteAsync(_network, _oracles, id, 0, drawn.Committee, Ruling.Upheld);
        return TestNetwork.Event<RulingExecutedEvent>(await _client.Disputes.ExecuteRulingAsync(id, dispute, terms));
    }

    [Fact]
    public async Task OpenWithPanel_ProviderAcceptance_CheckedBoundAndUsedOnce()
    {
        var panel = _oracles.Keys.Take(3).OrderBy(a => a.ToLowerInvariant(), StringComparer.Ordinal).ToList();
        var p = Sessions.Params(_network, _provider, committee: 3, panel: panel);
        var deadline = await chain.LatestTimestampAsync() + 600;
        var signature = Sessions.SignPanelAcceptance(_network, _provider, _client.Address, p, deadline);
        await TestNetwork.ApproveAsync(_client, _network.AddressOf(ContractNames.SessionManager), p.Deposit * 3);

        // The digest is the provider's EIP-712 PanelAcceptance.
        var acceptance = new Oracle.Core.Eip712.PanelAcceptance { Client = _client.Address, Penalty = p.Penalty, CommitteeSize = 3, PanelHash = Sessions.PanelHash(panel), Deadline = deadline };
        Assert.Equal(TypedDataSigner.Hash(acceptance, Sessions.Domain(_network)), await _client.Sessions.HashPanelAcceptanceQueryAsync(new Oracle.Chain.Contracts.PanelAcceptance { Client = _client.Address, Penalty = p.Penalty, CommitteeSize = 3, PanelHash = Sessions.PanelHash(panel), Deadline = deadline }));
        // Signed by someone else, for other terms, for another client, or expired: refused.
        await Revert.WithAsync("SessionInvalidSignature", () => _client.Sessions.OpenSessionWithPanelAsync(p, deadline, Sessions.SignPanelAcceptance(_network, _client, _client.Address, p, deadline)));
        var harsher = Sessions.Params(_network, _provider, penalty: Vpn.Tokens(80), committee: 3, panel: panel);
        await Revert.WithAsync("SessionInvalidSignature", () => _client.Sessions.OpenSessionWithPanelAsync(harsher, deadline, signature));
        var other = await _network.NewActorAsync(vpn: 200);
        await TestNetwork.ApproveAsync(other, _network.AddressOf(ContractNames.SessionManager), p.Deposit);
        await Revert.WithAsync("SessionInvalidSignature", () => other.Sessions.OpenSessionWithPanelAsync(p, deadline, signature));
        await Revert.WithAsync("SessionInvalidPanel", () => _client.Sessions.OpenSessionWithPanelAsync(Sessions.Params(_network, _provider, committee: 3), deadline, signature));

        var opened = TestNetwork.Event<SessionOpenedEvent>(await _client.Sessions.OpenSessionWithPanelAsync(p, deadline, signature));
        Assert.Equal(Sessions.PanelHash(panel), opened.PanelHash);
        Assert.Equal(panel, opened.Panel, StringComparer.OrdinalIgnoreCase);
        await Revert.WithAsync("SessionAcceptanceUsed", () => _client.Sessions.OpenSessionWithPanelAsync(p, deadline, signature));
        await chain.IncreaseTimeAsync(TimeSpan.FromHours(1));
        var late = await chain.LatestTimestampAsync() - 1;
        await Revert.WithAsync("SessionAcceptanceExpired", () => _client.Sessions.OpenSessionWithPanelAsync(p, late, Sessions.SignPanelAcceptance(_network, _provider, _client.Address, p, late)));
    }
}
