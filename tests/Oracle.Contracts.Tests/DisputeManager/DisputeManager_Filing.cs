using Nethereum.Hex.HexConvertors.Extensions;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Contracts.OracleRegistry;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Testing.Contracts.WideIdRandomnessSource;
using Oracle.Chain.Deployment;
using Oracle.Chain.Model;
using Oracle.Contracts.Tests.Support;
using Oracle.Core.Eip712;
using Oracle.Testing;
using CoreFiling = Oracle.Core.Eip712.Filing;
using Filing = Oracle.Chain.Contracts.Filing;

namespace Oracle.Contracts.Tests.DisputeManager;

/// <summary>Relayed filings, named panels, and how disputes hold sessions and bonds.</summary>
[Collection(ChainCollection.Name)]
public sealed class DisputeManager_Filing(ChainFixture chain) : IAsyncLifetime
{
    private Dictionary<string, Actor> _oracles = null!;
    private TestNetwork _network = null!;
    private Actor _provider = null!;
    private Actor _client = null!;

    public async Task InitializeAsync()
        => (_network, _oracles, _provider, _client) = await DisputeArena.CreateAsync(chain, oracles: 4, stakeOf: _ => 1000, providerExtraVpn: 1000, clientVpn: 2000);

    public Task DisposeAsync() => Task.CompletedTask;

    private (CoreFiling Filing, byte[] Signature) SignFiling(Actor filer, Claim claim, ulong nonce, ulong deadline)
    {
        var filing = new CoreFiling { SessionId = claim.SessionId, ClaimType = claim.ClaimType, RuleId = claim.RuleId, EvidenceHash = claim.EvidenceHash, EvidenceUri = claim.EvidenceUri, ProofHash = new byte[32], PanelHash = new byte[32], Nonce = nonce, Deadline = deadline };
        var domain = TypedDataDomain.DisputeManager(chain.ChainId, _network.AddressOf(ContractNames.DisputeManager));
        return (filing, TypedDataSigner.Sign(filing, domain, filer.Key).HexToByteArray());
    }

    [Fact]
    public async Task FileFor_RelayedSignedFiling_FilesForTheParty()
    {
        var (sessionId, s) = await Sessions.OpenAsync(_network, _client, Sessions.Params(_network, _provider));
        var terms = Disputes.Terms(s);
        var claim = Disputes.Claim(sessionId, ClaimType.ProviderOvercharged);
        await TestNetwork.ApproveAsync(_client, _network.AddressOf(ContractNames.DisputeManager), Disputes.FilingCost(_network, 5));
        var deadline = await chain.LatestTimestampAsync() + 600;
        var (filing, signature) = SignFiling(_client, claim, 0, deadline);
        var relayer = await _network.NewActorAsync();

        Assert.Equal(TypedDataSigner.Hash(filing, TypedDataDomain.DisputeManager(chain.ChainId, _network.AddressOf(ContractNames.DisputeManager))),
            await relayer.Disputes.HashFilingQueryAsync(new Filing { SessionId = filing.SessionId, ClaimType = filing.ClaimType, RuleId = filing.RuleId, EvidenceHash = filing.EvidenceHash, EvidenceUri = filing.EvidenceUri, ProofHash = filing.ProofHash, PanelHash = filing.PanelHash, NonceValue = 0, Deadline = deadline }));
        var filed = TestNetwork.Event<DisputeFiledEvent>(await relayer.Disputes.FileForAsync(_client.Address, claim, deadline, signature, terms, [], []));

        Assert.Equal(_client.Address, filed.Filer, ignoreCase: true);
        Assert.Equal(1, await relayer.Disputes.NoncesQueryAsync(_client.Address));
        // The same signature cannot be relayed twice: the nonce moved on.
        await Revert.WithAsync("DisputeInvalidFilingSignature", () => relayer.Disputes.FileForAsync(_client.Address, claim, deadline, signature, terms, [], []));
        var (_, forged) = SignFiling(relayer, claim, 1, deadline);
        await Revert.WithAsync("DisputeInvalidFilingSignature", () => relayer.Disputes.FileForAsync(_client.Address, claim, deadline, forged, terms, [], []));
        var (_, expired) = SignFiling(_client, claim, 1, deadline - 1200);
        await Revert.WithAsync("DisputeFilingExpired", () => relayer.Disputes.FileForAsync(_client.Address, claim, deadline - 1200, expired, terms, [], []));
    }

    [Fact]
    public async Task NamedPanel_PartiesChoseOracles_PanelIsTheCommittee()
    {
        var panel = _oracles.Keys.Order(StringComparer.OrdinalIgnoreCase).Take(3).Select(a => _oracles[a].Address).OrderBy(a => a.ToLowerInvariant(), StringComparer.Ordinal).ToList();
        var (sessionId, s) = await Sessions.OpenWithPanelAsync(_network, _client, _provider, Sessions.Params(_network, _provider, committee: 3, panel: panel));
        var terms = Disputes.Terms(s);
        await TestNetwork.ApproveAsync(_client, _network.AddressOf(ContractNames.DisputeManager), Disputes.FilingCost(_network, 3));

        var receipt = await _client.Disputes.FileDisputeAsync(Disputes.Claim(sessionId, ClaimType.ProviderBreachedPolicy), terms, panel, []);

        var drawn = TestNetwork.Event<CommitteeDrawnEvent>(receipt);
        Assert.Equal(panel, drawn.Committee, StringComparer.OrdinalIgnoreCase);
        Assert.Equal((byte)DisputePhase.Commit, (await _client.Disputes.DisputeInfoQueryAsync(TestNetwork.Event<DisputeFiledEvent>(receipt).DisputeId)).Info.Phase);
        foreach (var member in panel)
        {
            Assert.Equal(_network.Parameters.LockPerSeat, (await _client.Oracles.OracleInfoQueryAsync(member)).Info.Locked);
        }
    }

    [Fact]
    public async Task NamedPanel_MemberWithoutStake_CommitteeIsDrawnInstead()
    {
        var stranger = await _network.NewActorAsync();
        var panel = _oracles.Keys.Take(2).Append(stranger.Address).OrderBy(a => a.ToLowerInvariant(), StringComparer.Ordinal).ToList();
        var (sessionId, s) = await Sessions.OpenWithPanelAsync(_network, _client, _provider, Sessions.Params(_network, _provider, committee: 3, panel: panel));
        var terms = Disputes.Terms(s);

        var (id, dispute) = await Disputes.FileAsync(_network, _client, Disputes.Claim(sessionId, ClaimType.ProviderBreachedPolicy), terms, panel);

        Assert.Equal((byte)DisputePhase.Drawing, (await _client.Disputes.DisputeInfoQueryAsync(id)).Info.Phase);
        var drawn = await Disputes.DrawAsync(_network, _client, id, dispute);
        Assert.Equal(3, drawn.Committee.Count);
    }

    [Fact]
    public async Task OpenDispute_HoldsTheSession_CloseRevertsSessionDisputeOpen()
    {
        var (sessionId, s) = await Sessions.OpenAsync(_network, _client, Sessions.Params(_network, _provider));
        var (id, dispute) = await Disputes.FileAsync(_network, _provider, Disputes.Claim(sessionId, ClaimType.ClientBreachedPolicy), Disputes.Terms(s));

        await Revert.WithAsync("SessionDisputeOpen", () => _provider.Sessions.CloseSessionAsync(sessionId, s, Sessions.NoVoucher(sessionId), []));
        await _client.Sessions.StartCloseAsync(sessionId, s);
        await chain.IncreaseTimeAsync(_network.Parameters.ChallengeWindow);
        await Revert.WithAsync("SessionDisputeOpen", () => _client.Sessions.FinalizeCloseAsync(sessionId, s));
        Assert.Equal(1, (await _client.Sessions.SessionStateQueryAsync(sessionId)).State.OpenDisputes);
        Assert.True(id > 0 && dispute.Penalty > 0);
    }

    [Fact]
    public async Task ClaimAgainstProvider_AfterDisputeWindow_RevertsSessionDisputeWindowClosed()
    {
        var (sessionId, s) = await Sessions.OpenAsync(_network, _client, Sessions.Params(_network, _provider));
        await _provider.Sessions.CloseSessionAsync(sessionId, s, Sessions.NoVoucher(sessionId), []);
        await TestNetwork.ApproveAsync(_provider, _network.AddressOf(ContractNames.DisputeManager), Vpn.Tokens(1000));
        // Closed: the client's deposit is gone, so no claim against the client any more.
        await Revert.WithAsync("SessionWrongStatus", () => _provider.Disputes.FileDisputeAsync(Disputes.Claim(sessionId, ClaimType.ClientBreachedPolicy), Disputes.Terms(s), [], []));
        await chain.IncreaseTimeAsync(_network.Parameters.DisputeWindow + TimeSpan.FromMinutes(1));
        await TestNetwork.ApproveAsync(_client, _network.AddressOf(ContractNames.DisputeManager), Vpn.Tokens(1000));

        await Revert.WithAsync("SessionDisputeWindowClosed", () => _client.Disputes.FileDisputeAsync(Disputes.Claim(sessionId, ClaimType.ProviderOvercharged), Disputes.Terms(s), [], []));
    }

    [Fact]
    public async Task ProviderGuilty_UpheldClaim_BondPaysTheClient()
    {
        var (sessionId, s) = await Sessions.OpenAsync(_network, _client, Sessions.Params(_network, _provider));
        var terms = Disputes.Terms(s);
        var (id, dispute) = await Disputes.FileAsync(_network, _client, Disputes.Claim(sessionId, ClaimType.ProviderBreachedPolicy), terms);
        var bondBefore = (await _client.Providers.GetProviderQueryAsync(_provider.Address)).P.Bond;
        var drawn = await Disputes.DrawAsync(_network, _client, id, dispute);
        var jurors = Disputes.Distinct(drawn.Committee);
        var salts = jurors.Select(_ => Disputes.Salt()).ToList();
        for (var i = 0; i < jurors.Count; i++)
        {
            await Disputes.CommitAsync(_oracles[jurors[i]], id, 0, drawn.Committee, Ruling.Upheld, salts[i]);
        }

        await chain.IncreaseTimeAsync(_network.Parameters.CommitPeriod);
        for (var i = 0; i < jurors.Count; i++)
        {
            await _oracles[jurors[i]].Disputes.RevealAsync(id, 0, (byte)Ruling.Upheld, salts[i]);
        }

        await chain.IncreaseTimeAsync(_network.Parameters.RevealPeriod + _network.Parameters.AppealPeriod);
        await _client.Disputes.ExecuteRulingAsync(id, dispute, terms);

        var record = (await _client.Providers.GetProviderQueryAsync(_provider.Address)).P;
        Assert.Equal(bondBefore - terms.Penalty, record.Bond);
        Assert.Equal(0, record.ReservedBond);
        Assert.Equal(terms.Penalty, (await _client.Sessions.SessionStateQueryAsync(sessionId)).State.BondTaken);
        Assert.Equal(terms.Penalty + _network.Parameters.StakePerRound, await _client.Disputes.ClaimableQueryAsync(_client.Address));
        Assert.Equal(0, (await _client.Sessions.SessionStateQueryAsync(sessionId)).State.OpenDisputes);
        Assert.Equal(_network.Parameters.FeePerSeat, await _client.Disputes.FeePerSeatQueryAsync());
        Assert.Equal(_network.Parameters.StakePerRound, await _client.Disputes.StakePerRoundQueryAsync());
        Assert.Equal(_network.Parameters.LockPerSeat, await _client.Disputes.LockPerSeatQueryAsync());
        Assert.Equal(3, await _client.Disputes.MaxRoundsQueryAsync());
        Assert.Equal(86400UL, await _client.Disputes.CommitPeriodQueryAsync());
        Assert.Equal(86400UL, await _client.Disputes.RevealPeriodQueryAsync());
        Assert.Equal(86400UL, await _client.Disputes.AppealPeriodQueryAsync());
        Assert.Equal(86400UL, await _client.Disputes.DrawingPeriodQueryAsync());
        Assert.True(await _client.Disputes.NextDisputeIdQueryAsync() > id);
        Assert.Equal(TypedDataSigner.DomainSeparator(TypedDataDomain.DisputeManager(chain.ChainId, _network.AddressOf(ContractNames.DisputeManager))), await _client.Disputes.DomainSeparatorQueryAsync());
        Assert.Equal(_network.AddressOf(ContractNames.RandomnessSource), await _client.Disputes.RandomnessSourceQueryAsync(), ignoreCase: true);
        Assert.Equal(_network.AddressOf(ContractNames.SessionManager), await _client.Disputes.SessionManagerQueryAsync(), ignoreCase: true);
        Assert.Equal(_network.AddressOf(ContractNames.OracleRegistry), await _client.Disputes.OracleRegistryQueryAsync(), ignoreCase: true);
        Assert.Equal(_network.AddressOf(ContractNames.VpnToken), await _client.Disputes.TokenQueryAsync(), ignoreCase: true);
    }

    [Fact]
    public async Task Deploy_InvalidParameters_RevertsDisputeInvalidParameter()
    {
        var deployment = new DisputeManagerDeployment
        {
            Wiring = new Wiring { Token = _network.AddressOf(ContractNames.VpnToken), Sessions = _network.AddressOf(ContractNames.SessionManager), Oracles = _network.AddressOf(ContractNames.OracleRegistry), Randomness = _network.AddressOf(ContractNames.RandomnessSource) },
            Parameters = new Parameters { FeePerSeat = 1, StakePerRound = 1, LockPerSeat = 1, CommitPeriod = 1, RevealPeriod = 1, AppealPeriod = 1, DrawingPeriod = 1, MaxRounds = 9 },
        };

        await Revert.WithAsync("DisputeInvalidParameter", () => ContractDeployer.DeployAsync(_network.Deployer.Web3, "DisputeManager", deployment));
    }

    [Fact]
    public async Task File_RandomnessSourceWithWideRequestIds_RevertsDisputeRandomnessRequestTooLarge()
    {
        // A second set wired to a source that breaks the 208-bit id bound: the filing fails instead of losing the request.
        var p = _network.Parameters;
        var web3 = _network.Deployer.Web3;
        var token = _network.AddressOf(ContractNames.VpnToken);
        var oracles = (await ContractDeployer.DeployAsync(web3, "OracleRegistry", new OracleRegistryDeployment { Token = token, MinStake = p.OracleMinStake, UnbondingDelay = 1, SnapshotJoinWindow = 60, SnapshotLifetime = 600 })).Address;
        var providers = (await ContractDeployer.DeployAsync(web3, "ProviderRegistry", new ProviderRegistryDeployment { Token = token, MinBond = p.ProviderMinBond, UnbondingDelay = 1 })).Address;
        var sessions = (await ContractDeployer.DeployAsync(web3, "SessionManager", new SessionManagerDeployment { Token = token, Providers = providers, ChallengeWindow = 60, MaxSessionDuration = 3600, DisputeWindow = 3600 })).Address;
        var randomness = (await ContractDeployer.DeployAsync(web3, Oracle.Testing.Contracts.TestContractArtifacts.Get("WideIdRandomnessSource"), new WideIdRandomnessSourceDeployment())).Address;
        var disputes = (await ContractDeployer.DeployAsync(web3, "DisputeManager", new DisputeManagerDeployment
        {
            Wiring = new Wiring { Token = token, Sessions = sessions, Oracles = oracles, Randomness = randomness },
            Parameters = new Parameters { FeePerSeat = p.FeePerSeat, StakePerRound = p.StakePerRound, LockPerSeat = p.LockPerSeat, CommitPeriod = 60, RevealPeriod = 60, AppealPeriod = 60, DrawingPeriod = 60, MaxRounds = 3 },
        })).Address;
        await new OracleRegistryService(web3, oracles).SetDisputeManagerAsync(disputes);
        await new ProviderRegistryService(web3, providers).SetSessionManagerAsync(sessions);
        await new SessionManagerService(web3, sessions).SetDisputeManagerAsync(disputes);
        var provider = await _network.NewActorAsync(vpn: 1000);
        await TestNetwork.ApproveAsync(provider, providers, p.ProviderMinBond);
        await new ProviderRegistryService(provider.Web3, providers).RegisterAsync(TestNetwork.ProviderInfo(), p.ProviderMinBond);
        var open = Sessions.Params(_network, provider);
        await TestNetwork.ApproveAsync(_client, sessions, open.Deposit);
        var opened = TestNetwork.Event<SessionOpenedEvent>(await new SessionManagerService(_client.Web3, sessions).OpenSessionAsync(open));
        await TestNetwork.ApproveAsync(_client, disputes, Disputes.FilingCost(_network, 5));

        await Revert.WithAsync("DisputeRandomnessRequestTooLarge", () => new DisputeManagerService(_client.Web3, disputes)
            .FileDisputeAsync(Disputes.Claim(opened.SessionId, ClaimType.ProviderOvercharged), Disputes.Terms(Sessions.FromEvent(opened)), [], []));
    }

    [Fact]
    public async Task ThirtySecondOpenDispute_OnOneSession_RevertsSessionTooManyDisputes()
    {
        var (sessionId, s) = await Sessions.OpenAsync(_network, _client, Sessions.Params(_network, _provider));
        var terms = Disputes.Terms(s);
        await _network.BuyAsync(_provider, Vpn.Tokens(3_200));
        await TestNetwork.ApproveAsync(_provider, _network.AddressOf(ContractNames.DisputeManager), Vpn.Tokens(3_200));
        for (var i = 0; i < 31; i++)
        {
            await _provider.Disputes.FileDisputeAsync(Disputes.Claim(sessionId, ClaimType.ClientBreachedPolicy), terms, [], []);
        }

        Assert.Equal(31, (await _client.Sessions.SessionStateQueryAsync(sessionId)).State.OpenDisputes);
        await Revert.WithAsync("SessionTooManyDisputes", () => _provider.Disputes.FileDisputeAsync(Disputes.Claim(sessionId, ClaimType.ClientBreachedPolicy), terms, [], []));
    }
}
