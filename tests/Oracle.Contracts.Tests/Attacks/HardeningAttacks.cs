using System.Numerics;
using System.Security.Cryptography;
using Nethereum.ABI;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Util;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Contracts.OracleRegistry;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Deployment;
using Oracle.Chain.Model;
using Oracle.Contracts.Tests.Support;
using Oracle.Core.Eip712;
using Oracle.Testing;
using CoreFiling = Oracle.Core.Eip712.Filing;
using RecordProof = Oracle.Chain.Contracts.RecordProof;
using Session = Oracle.Chain.Contracts.Session;

namespace Oracle.Contracts.Tests.Attacks;

/// <summary>
/// The nine exploits of the contracts hardening review (issue 9), one test each, on a network deployed the way
/// OracleNetworkDeployer does with the devnet parameters. Each test runs the exploit and asserts the damage does not
/// happen.
/// </summary>
[Collection(ChainCollection.Name)]
public sealed class HardeningAttacks(ChainFixture chain) : IAsyncLifetime
{
    private Dictionary<string, Actor> _oracles = null!;
    private TestNetwork _network = null!;
    private Actor _provider = null!;
    private Actor _client = null!;

    public async Task InitializeAsync()
        => (_network, _oracles, _provider, _client) = await DisputeArena.CreateAsync(chain, oracles: 7, stakeOf: _ => 1000, providerExtraVpn: 1000, clientVpn: 2000);

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(ulong Id, Session Terms)> OpenAsync(Actor client, BigInteger? deposit = null, BigInteger? penalty = null, Actor? provider = null)
    {
        var (id, s) = await Sessions.OpenAsync(_network, client, Sessions.Params(_network, provider ?? _provider, deposit: deposit, penalty: penalty));
        return (id, Disputes.Terms(s));
    }

    // ---------------------------------------------------------------- 1. exchange drained by in-band oscillation

    [Fact]
    public async Task ExchangeOscillation_QuorumOfSybilsAlternatesInsideTheBand_RoundTripsDoNotDrainTheReserve()
    {
        var p = _network.Parameters.GenesisVpnEthPrice;
        var exchange = _network.AddressOf(ContractNames.TokenExchange);
        // Honest users' reserve: about 100 ETH of sales.
        var honest = await _network.NewActorAsync();
        await _network.EnsureFreshPricesAsync();
        await honest.Exchange.BuyWithEthAsync(0, BigInteger.Pow(10, 20));
        var attacker = await _network.NewActorAsync();
        await TestNetwork.ApproveAsync(attacker, exchange, BigInteger.Pow(10, 30));
        var reserveBefore = await attacker.Exchange.EthReserveQueryAsync();
        var sybils = _network.PriceOracles;

        // The three price reporters are the attacker's: every round is theirs. Rounds alternate at -20 % and +20 % of
        // the young reference, each inside the band.
        for (var cycle = 0; cycle < 3; cycle++)
        {
            await ReportVpnEthAsync(sybils, p * 8 / 10);
            await attacker.Exchange.BuyWithEthAsync(0, BigInteger.Pow(10, 19));
            await ReportVpnEthAsync(sybils, p * 12 / 10);
            await attacker.Exchange.SellForEthAsync(await attacker.VpnBalanceAsync(), 0);
        }

        // No round trip inside one reference window takes ETH out of the reserve; honest sellers can still sell.
        Assert.True(await attacker.Exchange.EthReserveQueryAsync() >= reserveBefore, "the oscillation took ETH out of the reserve");
        await TestNetwork.ApproveAsync(honest, exchange, await honest.VpnBalanceAsync());
        await honest.Exchange.SellForEthAsync(await honest.VpnBalanceAsync() / 2, 0);
    }

    private static async Task ReportVpnEthAsync(IReadOnlyList<Actor> reporters, BigInteger price)
    {
        var round = await reporters[0].VpnEthFeed.LatestRoundQueryAsync() + 1;
        foreach (var r in reporters)
        {
            await r.VpnEthFeed.ReportAsync(round, price);
        }
    }

    // ---------------------------------------------------------------- 2. the named panel is the client's choice alone

    [Fact]
    public async Task NamedPanel_ClientsOwnSybilsWithoutTheProvidersAcceptance_RevertsSessionPanelNotAccepted()
    {
        // The client stakes three Sybil oracles and names them as the panel, with a penalty of the provider's whole bond.
        var sybils = new List<Actor>();
        for (var i = 0; i < 3; i++)
        {
            sybils.Add(await _network.NewOracleAsync(1000));
        }

        var panel = sybils.Select(s => s.Address).OrderBy(a => a.ToLowerInvariant(), StringComparer.Ordinal).ToList();
        var bond = (await _client.Providers.GetProviderQueryAsync(_provider.Address)).P.Bond;
        await TestNetwork.ApproveAsync(_client, _network.AddressOf(ContractNames.SessionManager), bond);

        var open = await _client.Sessions.TrySendAsync(new OpenSessionFunction { Params = Sessions.Params(_network, _provider, deposit: bond, penalty: bond, committee: 3, panel: panel) });

        Assert.False(open.IsSuccess, "a panel the provider never accepted was taken");
        Assert.Equal("SessionPanelNotAccepted", open.Error!.Name);
    }

    // ---------------------------------------------------------------- 3. bond shield

    [Fact]
    public async Task BondShield_AccomplicesFilingLocksTheBondFirst_HonestUpheldClaimIsPaidInFull()
    {
        var (honestSession, honestTerms) = await OpenAsync(_client);
        // The provider's second address opens a session with a penalty of the whole bond (or as much as it may).
        var accomplice = await _network.NewActorAsync(vpn: 3000);
        var bond = (await _client.Providers.GetProviderQueryAsync(_provider.Address)).P.Bond;
        await TestNetwork.ApproveAsync(accomplice, _network.AddressOf(ContractNames.SessionManager), bond);
        var whole = await accomplice.Sessions.TrySendAsync(new OpenSessionFunction { Params = Sessions.Params(_network, _provider, deposit: bond, penalty: bond) });
        var (shieldSession, shieldTerms) = whole.IsSuccess
            ? (TestNetwork.Event<SessionOpenedEvent>(whole.Receipt!).SessionId, Disputes.Terms(Sessions.FromEvent(TestNetwork.Event<SessionOpenedEvent>(whole.Receipt!))))
            : await OpenAsync(accomplice, deposit: bond - honestTerms.Penalty, penalty: bond - honestTerms.Penalty);
        // The sham claim is filed first, and nobody will ever draw it.
        await Disputes.FileAsync(_network, accomplice, Disputes.Claim(shieldSession, ClaimType.ProviderWithheldService), shieldTerms);

        var (id, dispute) = await Disputes.FileAsync(_network, _client, Disputes.Claim(honestSession, ClaimType.ProviderBreachedPolicy), honestTerms);
        var drawn = await Disputes.DrawAsync(_network, _client, id, dispute);
        await Rulings.VoteAsync(_network, _oracles, id, 0, drawn.Committee, Ruling.Upheld);
        var executed = TestNetwork.Event<RulingExecutedEvent>(await _client.Disputes.ExecuteRulingAsync(id, dispute, honestTerms));

        Assert.Equal((byte)Ruling.Upheld, executed.Ruling);
        Assert.Equal(honestTerms.Penalty, executed.Penalty);
        Assert.Equal(honestTerms.Penalty + _network.Parameters.StakePerRound, await _client.Disputes.ClaimableQueryAsync(_client.Address));
    }

    // ---------------------------------------------------------------- 4. and 5. snapshot pinning

    /// <summary>
    /// A whale stakes a million VPN; the attacker then keeps filings coming, one a day, each undrawn and refunded by
    /// endDrawing, while the whale unstakes all but <paramref name="whaleKeeps"/> and withdraws after the unbonding delay.
    /// </summary>
    private async Task<Actor> PinWhaleAsync(long whaleKeeps)
    {
        var whale = await _network.NewOracleAsync(1_000_000);
        var attacker = await _network.NewActorAsync(vpn: 2000);
        var (sessionId, terms) = await OpenAsync(attacker);
        var pinned = await Disputes.FileAsync(_network, attacker, Disputes.Claim(sessionId, ClaimType.ProviderWithheldService), terms);
        await whale.Oracles.RequestUnstakeAsync(Vpn.Tokens(1_000_000 - whaleKeeps));
        for (var day = 1; day <= 8; day++)
        {
            await chain.IncreaseTimeAsync(TimeSpan.FromDays(1));
            var next = await Disputes.FileAsync(_network, attacker, Disputes.Claim(sessionId, ClaimType.ProviderWithheldService), terms);
            await attacker.Disputes.EndDrawingAsync(pinned.Id, pinned.Dispute, terms);
            pinned = next;
        }

        await whale.Oracles.WithdrawAsync();
        await _network.EnsureFreshPricesAsync();
        return whale;
    }

    [Fact]
    public async Task SnapshotPinning_RollingUndrawnDisputes_WhaleThatLeftKeepsOnlyItsLiveWeight()
    {
        var whale = await PinWhaleAsync(whaleKeeps: 1000);

        // Three honest disputes, 15 seats: the whale now holds 1000 of about 23,000 VPN of stake (4 %).
        var seats = 0;
        for (var i = 0; i < 3; i++)
        {
            var (sessionId, terms) = await OpenAsync(_client);
            var (id, dispute) = await Disputes.FileAsync(_network, _client, Disputes.Claim(sessionId, ClaimType.ProviderOvercharged), terms);
            CommitteeDrawnEvent? drawn = null;
            for (var attempt = 0; attempt < 3 && drawn is null; attempt++)
            {
                drawn = await Disputes.TryDrawAsync(_network, _client, id, dispute);
            }

            seats += drawn?.Committee.Count(a => a.Equals(whale.Address, StringComparison.OrdinalIgnoreCase)) ?? 0;
        }

        // With its live weight the whale expects 0.65 of 15 seats; with the pinned snapshot's 98 % it took about 14.
        Assert.True(seats <= 4, $"the whale that left took {seats} of 15 seats");
    }

    [Fact]
    public async Task SnapshotPinning_WhaleLeftEntirely_HonestDisputeIsStillDrawn()
    {
        await PinWhaleAsync(whaleKeeps: 0);
        var (sessionId, terms) = await OpenAsync(_client);
        var (id, dispute) = await Disputes.FileAsync(_network, _client, Disputes.Claim(sessionId, ClaimType.ProviderOvercharged), terms);

        CommitteeDrawnEvent? drawn = null;
        for (var attempt = 0; attempt < 3 && drawn is null; attempt++)
        {
            drawn = await Disputes.TryDrawAsync(_network, _client, id, dispute);
        }

        Assert.NotNull(drawn);
        Assert.Equal(5, drawn.Committee.Count);
    }

    // ---------------------------------------------------------------- 6. predictable draws

    [Fact]
    public async Task PredictableDraw_FilerChoosesTheDrawBlockFromPublicData_CannotSeatItsSybilMajority()
    {
        // The filer holds about 30 % of the stake in three Sybil oracles.
        var sybils = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < 3; i++)
        {
            sybils.Add((await _network.NewOracleAsync(3200)).Address);
        }

        var (sessionId, terms) = await OpenAsync(_client);
        var majorities = 0;
        for (var d = 0; d < 6; d++)
        {
            var (id, dispute) = await Disputes.FileAsync(_network, _client, Disputes.Claim(sessionId, ClaimType.ProviderOvercharged), terms);
            var started = (await _network.Chain.ReadOnly.Eth.GetEvent<RoundStartedEvent>(_network.AddressOf(ContractNames.DisputeManager))
                .GetAllChangesAsync(_network.Chain.ReadOnly.Eth.GetEvent<RoundStartedEvent>(_network.AddressOf(ContractNames.DisputeManager)).CreateFilterInput(id, (byte)0))).Single().Event;
            // Everything the draw uses is public: the stakes, the request, and (on a Hardhat chain) the next blocks'
            // prevrandao, each the keccak of the one before. The filer picks the block in which its draw lands.
            var leaves = await LeavesAsync();
            var latest = await LatestBlockAsync();
            var readyAt = (ulong)(started.RandomnessRequest >> 160);
            var target = latest.Number + 1;
            if (readyAt > 0 && readyAt < latest.Number + 1000)
            {
                var mix = latest.MixHash;
                for (var block = latest.Number + 1; block <= readyAt + 32; block++)
                {
                    mix = Sha3Keccack.Current.CalculateHash(mix);
                    if (block < readyAt)
                    {
                        continue;
                    }

                    if (Predict(leaves, mix, started.RandomnessRequest, id).Count(sybils.Contains) >= 3)
                    {
                        target = block;
                        break;
                    }
                }
            }

            await chain.MineAsync((int)(target - latest.Number - 1));
            var drawn = await Disputes.DrawNowAsync(_network, _client, id, dispute);
            if (drawn.Committee.Count(sybils.Contains) >= 3)
            {
                majorities++;
            }
        }

        // A random committee gives 30 % of the stake a majority of 5 seats 16 % of the time; a chosen one every time.
        Assert.True(majorities <= 4, $"the filer seated its Sybil majority in {majorities} of 6 disputes");
    }

    private async Task<(ulong Number, byte[] MixHash)> LatestBlockAsync()
    {
        var block = await _network.Chain.ReadOnly.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(BlockParameter.CreateLatest());
        return ((ulong)block.Number.Value, block.MixHash.HexToByteArray());
    }

    /// <summary>The draw tree's leaves in order (first stake first) with their weights.</summary>
    private async Task<List<(string Oracle, BigInteger Weight)>> LeavesAsync()
    {
        var registry = _network.AddressOf(ContractNames.OracleRegistry);
        var staked = _network.Chain.ReadOnly.Eth.GetEvent<StakedEvent>(registry);
        var logs = await staked.GetAllChangesAsync(staked.CreateFilterInput(BlockParameter.CreateEarliest(), BlockParameter.CreateLatest()));
        var leaves = new List<(string, BigInteger)>();
        foreach (var oracle in logs.Select(l => l.Event.Oracle.ToLowerInvariant()).Distinct())
        {
            var stake = (await _network.Deployer.Oracles.OracleInfoQueryAsync(oracle)).Info.Stake;
            leaves.Add((oracle, stake >= _network.Parameters.OracleMinStake ? stake / BigInteger.Pow(10, 15) : 0));
        }

        return leaves;
    }

    /// <summary>LocalRandomnessSource's value and the registry's draw, computed off-chain.</summary>
    private static List<string> Predict(List<(string Oracle, BigInteger Weight)> leaves, byte[] prevrandao, BigInteger requestId, ulong disputeId)
    {
        var abi = new ABIEncode();
        var value = Sha3Keccack.Current.CalculateHash(abi.GetABIEncoded(new ABIValue("bytes32", prevrandao), new ABIValue("uint256", requestId)));
        var seed = Sha3Keccack.Current.CalculateHash(abi.GetABIEncoded(new ABIValue("bytes32", value), new ABIValue("uint64", disputeId), new ABIValue("uint8", (byte)0)));
        var total = leaves.Aggregate(BigInteger.Zero, (sum, l) => sum + l.Weight);
        var committee = new List<string>();
        for (var attempt = 0; committee.Count < 5; attempt++)
        {
            var hash = Sha3Keccack.Current.CalculateHash(abi.GetABIEncoded(new ABIValue("bytes32", seed), new ABIValue("uint256", attempt)));
            var point = new BigInteger(hash, isUnsigned: true, isBigEndian: true) % total;
            foreach (var (oracle, weight) in leaves)
            {
                if (point < weight)
                {
                    committee.Add(oracle);
                    break;
                }

                point -= weight;
            }
        }

        return committee;
    }

    // ---------------------------------------------------------------- 7. one breach, many penalties

    [Fact]
    public async Task OneBreachManyPenalties_SameRecordFiledAgain_RevertsAndTheSessionPaysAtMostItsPenalty()
    {
        var (sessionId, terms) = await OpenAsync(_client);
        var first = await UpheldRecordClaimAsync(sessionId, terms, RecordProofOf(sessionId, index: 5));
        Assert.Equal(terms.Penalty, first.Penalty);

        // The same verified record again.
        await TestNetwork.ApproveAsync(_provider, _network.AddressOf(ContractNames.DisputeManager), Disputes.FilingCost(_network, 5));
        await Revert.WithAsync("DisputeRecordAlreadyFiled", () => _provider.Disputes.FileDisputeAsync(Disputes.Claim(sessionId, ClaimType.ClientBreachedPolicy, 7), terms, [], [RecordProofOf(sessionId, index: 5)]));

        // Another record of the same session: upheld, but the session's penalty was already taken.
        var second = await UpheldRecordClaimAsync(sessionId, terms, RecordProofOf(sessionId, index: 3));
        Assert.Equal(0, second.Penalty);
        Assert.Equal(terms.Penalty, (await _client.Sessions.SessionStateQueryAsync(sessionId)).State.Penalized);
    }

    private RecordProof RecordProofOf(ulong sessionId, int index)
    {
        var (tree, denied) = FlowRecords.Log(sessionId, 7, size: 9, index: index, deniedFill: (byte)index);
        var (v, s) = Sessions.SignVoucher(_network, _client, sessionId, Vpn.Tokens(1), logSize: tree.Size, logRoot: tree.Root());
        return FlowRecords.Proof(denied, (ulong)index, tree, v, s);
    }

    private async Task<RulingExecutedEvent> UpheldRecordClaimAsync(ulong sessionId, Session terms, RecordProof proof)
    {
        var (id, dispute) = await Disputes.FileAsync(_network, _provider, Disputes.Claim(sessionId, ClaimType.ClientBreachedPolicy, 7), terms, proof: [proof]);
        Assert.True(dispute.EvidenceVerified);
        // A verified record decides the claim: Upheld at once, without a committee.
        return TestNetwork.Event<RulingExecutedEvent>(await _provider.Disputes.ExecuteRulingAsync(id, dispute, terms));
    }

    // ---------------------------------------------------------------- 8. a provider slashed to zero stays active

    [Fact]
    public async Task SlashedToZero_ProviderWithoutBond_TakesNoNewSession()
    {
        var provider = await _network.NewProviderAsync(bond: 500);
        var bond = Vpn.Tokens(500);
        var (sessionId, terms) = await OpenAsync(_client, deposit: bond, penalty: bond, provider: provider);
        var (id, dispute) = await Disputes.FileAsync(_network, _client, Disputes.Claim(sessionId, ClaimType.ProviderBreachedPolicy), terms);
        var drawn = await Disputes.DrawAsync(_network, _client, id, dispute);
        await Rulings.VoteAsync(_network, _oracles, id, 0, drawn.Committee, Ruling.Upheld);
        await _client.Disputes.ExecuteRulingAsync(id, dispute, terms);
        Assert.Equal(0, (await _client.Providers.GetProviderQueryAsync(provider.Address)).P.Bond);

        Assert.False((await _client.Providers.SessionTermsQueryAsync(provider.Address)).Active);
        var newcomer = await _network.NewActorAsync(vpn: 200);
        await TestNetwork.ApproveAsync(newcomer, _network.AddressOf(ContractNames.SessionManager), Vpn.Tokens(100));
        await Revert.WithAsync("SessionProviderNotActive", () => newcomer.Sessions.OpenSessionAsync(Sessions.Params(_network, provider, penalty: 0)));
    }

    // ---------------------------------------------------------------- 9. the relayed filing does not sign its proof

    [Fact]
    public async Task RelayedFiling_FrontRunnerStripsTheRecordProof_RevertsDisputeInvalidFilingSignature()
    {
        var (sessionId, terms) = await OpenAsync(_client);
        var proof = RecordProofOf(sessionId, index: 5);
        var claim = Disputes.Claim(sessionId, ClaimType.ClientBreachedPolicy, 7);
        await TestNetwork.ApproveAsync(_provider, _network.AddressOf(ContractNames.DisputeManager), Disputes.FilingCost(_network, 5));
        var deadline = await chain.LatestTimestampAsync() + 600;
        // The provider signs its filing with the proof it means to attach.
        var filing = new CoreFiling { SessionId = sessionId, ClaimType = claim.ClaimType, RuleId = claim.RuleId, EvidenceHash = claim.EvidenceHash, EvidenceUri = claim.EvidenceUri, ProofHash = Oracle.Core.Eip712.RecordProof.Hash(FlowRecords.ToCore(proof)), PanelHash = terms.PanelHash, Nonce = 0, Deadline = deadline };
        var signature = TypedDataSigner.Sign(filing, TypedDataDomain.DisputeManager(chain.ChainId, _network.AddressOf(ContractNames.DisputeManager)), _provider.Key).HexToByteArray();
        var frontRunner = await _network.NewActorAsync();

        // The front-runner relays the signed filing without its record proof.
        await Revert.WithAsync("DisputeInvalidFilingSignature", () => frontRunner.Disputes.FileForAsync(_provider.Address, claim, deadline, signature, terms, [], []));

        // The filer's own relay, with the proof, goes through and is verified on-chain.
        var filed = TestNetwork.Event<DisputeFiledEvent>(await frontRunner.Disputes.FileForAsync(_provider.Address, claim, deadline, signature, terms, [], [proof]));
        Assert.True(filed.Dispute.EvidenceVerified);
    }
}
