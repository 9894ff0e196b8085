using System.Numerics;
using System.Security.Cryptography;
using Nethereum.Contracts;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Testing.Contracts.ReentrantSeller;
using Oracle.Chain.Deployment;
using Oracle.Chain.Evidence;
using Oracle.Chain.Model;
using Oracle.Contracts.Tests.Support;
using Oracle.Core.Eip712;
using Oracle.Core.Merkle;
using Oracle.Testing;
using CollectorEquivocatedEvent = Oracle.Chain.Contracts.EvidenceRegistry.CollectorEquivocatedEvent;
using DmVoucher = Oracle.Chain.Contracts.Voucher;

namespace Oracle.Contracts.Tests.Attacks;

/// <summary>Each attack of the contracts issue, one test each.</summary>
[Collection(ChainCollection.Name)]
public sealed class Attacks(ChainFixture chain) : IAsyncLifetime
{
    private Dictionary<string, Actor> _oracles = null!;
    private TestNetwork _network = null!;
    private Actor _provider = null!;
    private Actor _client = null!;

    public async Task InitializeAsync()
        => (_network, _oracles, _provider, _client) = await DisputeArena.CreateAsync(chain, oracles: 7, stakeOf: _ => 1000, providerExtraVpn: 1000, clientVpn: 2000);

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(ulong Id, Oracle.Chain.Contracts.Session Session, Session Terms)> OpenAsync()
    {
        var (id, s) = await Sessions.OpenAsync(_network, _client, Sessions.Params(_network, _provider));
        return (id, s, Disputes.Terms(s));
    }

    [Fact]
    public async Task VoucherReplay_AcrossSessions_RevertsSessionVoucherMismatch()
    {
        var (a, _, _) = await OpenAsync();
        var (b, sessionB, _) = await OpenAsync();
        var (v, s) = Sessions.SignVoucher(_network, _client, a, Vpn.Tokens(50));

        await Revert.WithAsync("SessionVoucherMismatch", () => _provider.Sessions.SettleVoucherAsync(b, sessionB, v, s));
    }

    [Fact]
    public async Task VoucherReplay_AcrossContracts_RevertsSessionInvalidSignature()
    {
        var (id, session, _) = await OpenAsync();
        var other = Sessions.Domain(_network, contract: _network.AddressOf(ContractNames.DisputeManager));
        var (v, s) = Sessions.SignVoucher(_network, _client, id, Vpn.Tokens(50), domain: other);

        await Revert.WithAsync("SessionInvalidSignature", () => _provider.Sessions.SettleVoucherAsync(id, session, v, s));
    }

    [Fact]
    public async Task VoucherReplay_AcrossChains_RevertsSessionInvalidSignature()
    {
        var (id, session, _) = await OpenAsync();
        var mainnet = Sessions.Domain(_network, chainId: 1);
        var (v, s) = Sessions.SignVoucher(_network, _client, id, Vpn.Tokens(50), domain: mainnet);

        await Revert.WithAsync("SessionInvalidSignature", () => _provider.Sessions.SettleVoucherAsync(id, session, v, s));
    }

    [Fact]
    public async Task ForgedClientSignature_VoucherSignedByProvider_RevertsSessionInvalidSignature()
    {
        var (id, session, _) = await OpenAsync();
        var (v, s) = Sessions.SignVoucher(_network, _provider, id, Vpn.Tokens(100));

        await Revert.WithAsync("SessionInvalidSignature", () => _provider.Sessions.CloseSessionAsync(id, session, v, s));
        var malleable = s.ToArray();
        malleable[64] = 29;
        await Revert.WithAsync("SessionInvalidSignature", () => _provider.Sessions.SettleVoucherAsync(id, session, v, malleable));
    }

    [Fact]
    public async Task ForgedGatewaySignature_CheckpointSignedByStranger_IsNotTheProviders()
    {
        var stranger = await _network.NewActorAsync();
        var checkpoint = new Oracle.Core.Eip712.Checkpoint { SessionId = 1, TreeSize = 4, Root = new byte[32], EpochTime = 1, CaptureDrops = 0 };
        var signature = Nethereum.Hex.HexConvertors.Extensions.HexByteConvertorExtensions.HexToByteArray(TypedDataSigner.Sign(checkpoint, Sessions.Domain(_network), stranger.Key));
        var binding = new Oracle.Chain.Contracts.Checkpoint { SessionId = 1, TreeSize = 4, Root = new byte[32], EpochTime = 1, CaptureDrops = 0 };

        var signer = await _client.Sessions.CheckpointSignerQueryAsync(binding, signature);

        Assert.Equal(stranger.Address, signer, ignoreCase: true);
        Assert.NotEqual(_provider.Address, signer, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ForgedClientSignature_RecordProofUnderProviderSignedVoucher_RevertsDisputeRootSignatureInvalid()
    {
        var (id, _, terms) = await OpenAsync();
        var (tree, denied) = FlowRecords.Log(id, 7, size: 9, index: 5);
        // The provider signs the "client's" voucher itself.
        var (v, s) = Sessions.SignVoucher(_network, _provider, id, Vpn.Tokens(1), logSize: tree.Size, logRoot: tree.Root());
        var proof = FlowRecords.Proof(denied, 5, tree, ToDm(v), s);
        await TestNetwork.ApproveAsync(_provider, _network.AddressOf(ContractNames.DisputeManager), Vpn.Tokens(1000));

        await Revert.WithAsync("DisputeRootSignatureInvalid", () => _provider.Disputes.FileDisputeAsync(Disputes.Claim(id, ClaimType.ClientBreachedPolicy, 7), terms, [], [proof]));
    }

    [Fact]
    public async Task RecordProof_DeniedFlowUnderClientSignedRoot_IsVerifiedBeforeTheVote()
    {
        var (id, _, terms) = await OpenAsync();
        var (tree, denied) = FlowRecords.Log(id, 7, size: 13, index: 11);
        var (v, s) = Sessions.SignVoucher(_network, _client, id, Vpn.Tokens(1), logSize: tree.Size, logRoot: tree.Root());
        var proof = FlowRecords.Proof(denied, 11, tree, ToDm(v), s);
        await TestNetwork.ApproveAsync(_provider, _network.AddressOf(ContractNames.DisputeManager), Vpn.Tokens(1000));

        await Revert.WithAsync("DisputeRecordMismatch", () => _provider.Disputes.FileDisputeAsync(Disputes.Claim(id, ClaimType.ClientBreachedPolicy, 8), terms, [], [proof]));
        var wrongIndex = FlowRecords.Proof(denied, 11, tree, ToDm(v), s);
        wrongIndex.LeafIndex = 10;
        await Revert.WithAsync("DisputeInclusionInvalid", () => _provider.Disputes.FileDisputeAsync(Disputes.Claim(id, ClaimType.ClientBreachedPolicy, 7), terms, [], [wrongIndex]));
        await Revert.WithAsync("DisputeTooManyProofs", () => _provider.Disputes.FileDisputeAsync(Disputes.Claim(id, ClaimType.ClientBreachedPolicy, 7), terms, [], [proof, proof]));
        await TestNetwork.ApproveAsync(_client, _network.AddressOf(ContractNames.DisputeManager), Vpn.Tokens(1000));
        await Revert.WithAsync("DisputeProofNotApplicable", () => _client.Disputes.FileDisputeAsync(Disputes.Claim(id, ClaimType.ProviderBreachedPolicy, 7), terms, [], [proof]));

        var filed = TestNetwork.Event<DisputeFiledEvent>(await _provider.Disputes.FileDisputeAsync(Disputes.Claim(id, ClaimType.ClientBreachedPolicy, 7), terms, [], [proof]));
        Assert.True(filed.Dispute.EvidenceVerified);
    }

    [Fact]
    public async Task VoteCopying_CopiedCommitment_CannotBeRevealedAndIsSlashed()
    {
        var (terms, disputeId, dispute, drawn) = await Disputes.FileAndDrawSeveralJurorsAsync(_network, _client,
            async () =>
            {
                var (id, _, t) = await OpenAsync();
                return (id, t);
            },
            ClaimType.ProviderOvercharged);
        var jurors = Disputes.Distinct(drawn.Committee);

        var honest = _oracles[jurors[0]];
        var copier = _oracles[jurors[1]];
        var salt = Disputes.Salt();
        var commitment = await honest.Disputes.CommitmentOfQueryAsync(honest.Address, disputeId, 0, (byte)Ruling.Upheld, salt);
        await honest.Disputes.CommitAsync(disputeId, 0, drawn.Committee, commitment);
        await copier.Disputes.CommitAsync(disputeId, 0, drawn.Committee, commitment);
        await chain.IncreaseTimeAsync(_network.Parameters.CommitPeriod);
        await honest.Disputes.RevealAsync(disputeId, 0, (byte)Ruling.Upheld, salt);

        // Even knowing the vote and the salt, the copier's reveal does not match: the commitment binds the voter.
        await Revert.WithAsync("DisputeCommitmentMismatch", () => copier.Disputes.RevealAsync(disputeId, 0, (byte)Ruling.Upheld, salt));
        var before = (await copier.Oracles.OracleInfoQueryAsync(copier.Address)).Info.Stake;
        await chain.IncreaseTimeAsync(_network.Parameters.RevealPeriod + _network.Parameters.AppealPeriod);
        await _client.Disputes.ExecuteRulingAsync(disputeId, dispute, terms);
        await _client.Disputes.SettleRoundAsync(disputeId, 0, dispute, drawn.Committee);
        var seats = drawn.Committee.Count(a => a.Equals(copier.Address, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(before - (_network.Parameters.LockPerSeat * seats), (await copier.Oracles.OracleInfoQueryAsync(copier.Address)).Info.Stake);
    }

    [Fact]
    public async Task StakingAfterFiling_WhaleStake_DoesNotSwayTheDraw()
    {
        var (id, _, terms) = await OpenAsync();
        var (disputeId, dispute) = await Disputes.FileAsync(_network, _client, Disputes.Claim(id, ClaimType.ProviderOvercharged), terms);
        // After the filing, a whale stakes 100 times the rest of the registry combined.
        var whale = await _network.NewOracleAsync(1_000_000);

        var drawn = await Disputes.DrawAsync(_network, _client, disputeId, dispute);

        Assert.DoesNotContain(drawn.Committee, a => a.Equals(whale.Address, StringComparison.OrdinalIgnoreCase));
        // A dispute filed once the snapshot's join window has passed draws from a new snapshot, with the new stake: the
        // whale is (almost surely) drawn.
        await chain.IncreaseTimeAsync(_network.Parameters.SnapshotJoinWindow);
        await _network.EnsureFreshPricesAsync();
        var (id2, _, terms2) = await OpenAsync();
        var (d2, dispute2) = await Disputes.FileAsync(_network, _client, Disputes.Claim(id2, ClaimType.ProviderOvercharged), terms2);
        var drawn2 = await Disputes.DrawAsync(_network, _client, d2, dispute2);
        Assert.Contains(drawn2.Committee, a => a.Equals(whale.Address, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task UnstakingAfterFiling_EveryOtherOracleLeaves_DrawStillUsesTheSnapshot()
    {
        var (id, _, terms) = await OpenAsync();
        var (disputeId, dispute) = await Disputes.FileAsync(_network, _client, Disputes.Claim(id, ClaimType.ProviderOvercharged), terms);
        var stayer = _oracles.Values.First();
        foreach (var o in _oracles.Values.Skip(1))
        {
            var info = (await o.Oracles.OracleInfoQueryAsync(o.Address)).Info;
            await o.Oracles.RequestUnstakeAsync(info.Stake - info.Locked);
        }

        // The snapshot still holds the leavers' weight, but a leaver's live stake (0) is below it, so its pick is
        // refused and the seat drawn again: only the stayer can hold seats, and no leaver's stake is ever locked.
        await chain.MineAsync();
        await _network.FulfillRandomnessAsync();
        var first = await _client.Disputes.DrawAsync(disputeId, dispute);
        var drawn = first.DecodeAllEvents<CommitteeDrawnEvent>().SingleOrDefault()?.Event;
        if (drawn is null)
        {
            // The bounded attempts did not hit the stayer five times: the round asks for new randomness and a new
            // snapshot (which holds only the stayer's weight now).
            Assert.Single(first.DecodeAllEvents<RandomnessRequestedAgainEvent>());
            drawn = await Disputes.DrawAsync(_network, _client, disputeId, dispute);
        }

        Assert.All(drawn.Committee, a => Assert.Equal(stayer.Address, a, ignoreCase: true));
        foreach (var o in _oracles.Values.Skip(1))
        {
            Assert.Equal(0, (await o.Oracles.OracleInfoQueryAsync(o.Address)).Info.Locked);
        }
    }

    [Fact]
    public async Task WithdrawingWhileDrawn_LockedStake_RevertsOracleRegistryInsufficientFreeStake()
    {
        var (id, _, terms) = await OpenAsync();
        var (disputeId, dispute) = await Disputes.FileAsync(_network, _client, Disputes.Claim(id, ClaimType.ProviderOvercharged), terms);
        var drawn = await Disputes.DrawAsync(_network, _client, disputeId, dispute);
        var juror = _oracles[drawn.Committee[0]];
        var info = (await juror.Oracles.OracleInfoQueryAsync(juror.Address)).Info;
        Assert.True(info.Locked > 0);

        await Revert.WithAsync("OracleRegistryInsufficientFreeStake", () => juror.Oracles.RequestUnstakeAsync(info.Stake));
    }

    [Fact]
    public async Task LateRevealer_AfterRevealDeadline_RevertsAndIsSlashed()
    {
        var (id, _, terms) = await OpenAsync();
        var (disputeId, dispute) = await Disputes.FileAsync(_network, _client, Disputes.Claim(id, ClaimType.ProviderOvercharged), terms);
        var drawn = await Disputes.DrawAsync(_network, _client, disputeId, dispute);
        var late = _oracles[drawn.Committee[0]];
        var salt = Disputes.Salt();
        await Disputes.CommitAsync(late, disputeId, 0, drawn.Committee, Ruling.Rejected, salt);
        await chain.IncreaseTimeAsync(_network.Parameters.CommitPeriod + _network.Parameters.RevealPeriod);

        await Revert.WithAsync("DisputeWrongPhase", () => late.Disputes.RevealAsync(disputeId, 0, (byte)Ruling.Rejected, salt));
        var before = (await late.Oracles.OracleInfoQueryAsync(late.Address)).Info.Stake;
        await chain.IncreaseTimeAsync(_network.Parameters.AppealPeriod);
        await _client.Disputes.ExecuteRulingAsync(disputeId, dispute, terms);
        await _client.Disputes.SettleRoundAsync(disputeId, 0, dispute, drawn.Committee);
        Assert.True((await late.Oracles.OracleInfoQueryAsync(late.Address)).Info.Stake < before);
    }

    [Fact]
    public async Task CheapDisputeSpam_ClaimRejected_FilerLosesFeeAndStake()
    {
        var (id, _, terms) = await OpenAsync();
        var before = await _client.VpnBalanceAsync();
        var (disputeId, dispute) = await Disputes.FileAsync(_network, _client, Disputes.Claim(id, ClaimType.ProviderWithheldService), terms);
        var drawn = await Disputes.DrawAsync(_network, _client, disputeId, dispute);
        // Nobody votes: no majority rejects the claim.
        await chain.IncreaseTimeAsync(_network.Parameters.CommitPeriod + _network.Parameters.RevealPeriod + _network.Parameters.AppealPeriod);
        await _client.Disputes.ExecuteRulingAsync(disputeId, dispute, terms);

        Assert.Equal(before - Disputes.FilingCost(_network, 5), await _client.VpnBalanceAsync());
        Assert.Equal(0, await _client.Disputes.ClaimableQueryAsync(_client.Address));
        Assert.True(await _client.Disputes.ClaimableQueryAsync(_provider.Address) >= _network.Parameters.StakePerRound);
    }

    [Fact]
    public async Task ReentrancyOnPayout_SellerReentersFromReceive_WholeSaleReverts()
    {
        var attacker = await ContractDeployer.DeployAsync(_client.Web3, Oracle.Testing.Contracts.TestContractArtifacts.Get("ReentrantSeller"), new ReentrantSellerDeployment { Exchange = _network.AddressOf(ContractNames.TokenExchange) });
        await _client.Token.TransferAsync(attacker.Address, Vpn.Tokens(10));
        var reserveBefore = await _client.Exchange.EthReserveQueryAsync();

        await Revert.WithAsync("ExchangeEthTransferFailed", () => new ReentrantSellerService(_client.Web3, attacker.Address).AttackAsync(Vpn.Tokens(5)));

        Assert.Equal(reserveBefore, await _client.Exchange.EthReserveQueryAsync());
        Assert.Equal(Vpn.Tokens(10), await _client.Token.BalanceOfQueryAsync(attacker.Address));
    }

    [Fact]
    public async Task StalePrice_NoRoundForMaxPriceAge_RevertsExchangeStalePrice()
    {
        await chain.IncreaseTimeAsync(_network.Parameters.MaxPriceAge + TimeSpan.FromMinutes(1));

        await Revert.WithAsync("ExchangeStalePrice", () => _client.Exchange.BuyWithEthAsync(1, Vpn.One));
        await Revert.WithAsync("ExchangeStalePrice", () => _client.Exchange.SellForEthAsync(Vpn.One, 1));
        await _network.EnsureFreshPricesAsync();
        await _client.Exchange.BuyWithEthAsync(1, Vpn.One);
    }

    [Fact]
    public async Task ManipulatedPrice_OneOutlierReporter_CannotMoveTheMedian()
    {
        var reporters = _oracles.Values.Take(3).ToList();
        var round = await _client.VpnEthFeed.LatestRoundQueryAsync() + 1;
        var honest = BigInteger.Pow(10, 14);

        await reporters[0].VpnEthFeed.ReportAsync(round, honest);
        await reporters[1].VpnEthFeed.ReportAsync(round, honest * 1000);
        await reporters[2].VpnEthFeed.ReportAsync(round, honest + 7);

        var latest = await _client.VpnEthFeed.LatestRoundDataQueryAsync();
        Assert.Equal(round, latest.RoundId);
        Assert.Equal(honest + 7, latest.Answer);
        var stranger = await _network.NewActorAsync();
        await Revert.WithAsync("PriceFeedNotOracle", () => stranger.VpnEthFeed.ReportAsync(round + 1, honest * 1000));
    }

    [Fact]
    public async Task ManipulatedPrice_TwoColludingReporters_CannotDrainTheExchangeWithinTheDelay()
    {
        var honest = _network.Parameters.GenesisVpnEthPrice;
        var attacker = await _network.NewActorAsync(vpn: 1000);
        var exchange = _network.AddressOf(ContractNames.TokenExchange);
        await TestNetwork.ApproveAsync(attacker, exchange, Vpn.Tokens(1000));
        var reporters = _oracles.Values.ToList();
        var (sybil1, sybil2) = (reporters[0], reporters[1]);
        var reserve = await attacker.Exchange.EthReserveQueryAsync();
        var delay = (ulong)_network.Parameters.PriceJumpDelay.TotalSeconds;

        // Two Sybils report first in two rounds in a row: with one honest report each, the median is theirs.
        var round = await attacker.VpnEthFeed.LatestRoundQueryAsync() + 1;
        await sybil1.VpnEthFeed.ReportAsync(round, honest * 1_000_000);
        await sybil2.VpnEthFeed.ReportAsync(round, honest * 1_000_000);
        await reporters[2].VpnEthFeed.ReportAsync(round, honest);
        var jumpedAt = (ulong)(await attacker.VpnEthFeed.LatestRoundDataQueryAsync()).UpdatedAt;
        await sybil1.VpnEthFeed.ReportAsync(round + 1, honest * 1_000_000);
        await sybil2.VpnEthFeed.ReportAsync(round + 1, honest * 1_000_000);
        await reporters[3].VpnEthFeed.ReportAsync(round + 1, honest);
        Assert.Equal(honest * 1_000_000, (await attacker.VpnEthFeed.LatestRoundDataQueryAsync()).Answer);

        // Selling 1000 VPN at a million times the price would take the whole ETH reserve: the exchange refuses.
        var paused = await Revert.WithAsync("ExchangePriceJumpUnconfirmed", () => attacker.Exchange.SellForEthAsync(Vpn.Tokens(1000), 0));
        Assert.Equal(new BigInteger(jumpedAt + delay), Assert.IsType<BigInteger>(paused["confirmsAt"]));
        await chain.IncreaseTimeAsync(_network.Parameters.PriceJumpDelay / 2);
        await Revert.WithAsync("ExchangePriceJumpUnconfirmed", () => attacker.Exchange.SellForEthAsync(Vpn.Tokens(1000), 0));
        Assert.Equal(reserve, await attacker.Exchange.EthReserveQueryAsync());

        // The honest oracles correct the price within the delay; trades resume at once, at the honest price.
        await reporters[4].VpnEthFeed.ReportAsync(round + 2, honest);
        await reporters[5].VpnEthFeed.ReportAsync(round + 2, honest);
        await reporters[6].VpnEthFeed.ReportAsync(round + 2, honest);
        var sold = TestNetwork.Event<Oracle.Chain.Contracts.TokenExchange.VpnSoldEvent>(await attacker.Exchange.SellForEthAsync(Vpn.Tokens(1000), 0));
        Assert.Equal(honest, sold.Price);
        Assert.Equal(reserve - sold.Received - sold.Fee, await attacker.Exchange.EthReserveQueryAsync());

        // The other direction: a price a million times too low would mint tokens for nothing.
        await sybil1.VpnEthFeed.ReportAsync(round + 3, 1);
        await sybil2.VpnEthFeed.ReportAsync(round + 3, 1);
        await reporters[2].VpnEthFeed.ReportAsync(round + 3, honest);
        await Revert.WithAsync("ExchangePriceJumpUnconfirmed", () => attacker.Exchange.BuyWithEthAsync(0, BigInteger.Pow(10, 15)));
    }

    [Fact]
    public async Task CollectorEquivocation_TwoRootsForOneSize_SlashesTheBondToTheProver()
    {
        var collector = await _network.NewActorAsync(vpn: 1000);
        await TestNetwork.ApproveAsync(collector, _network.AddressOf(ContractNames.EvidenceRegistry), Vpn.Tokens(1000));
        await collector.Evidence.RegisterCollectorAsync(Vpn.Tokens(1000));
        var honest = new MerkleTree();
        var forked = new MerkleTree();
        for (var i = 0; i < 8; i++)
        {
            honest.Append([(byte)i]);
            forked.Append([(byte)(i == 2 ? 99 : i)]);
        }

        var logId = SHA256.HashData("equivocating log"u8);
        await collector.Evidence.AnchorAsync(logId, 4, honest.Root(4));
        // The later anchor extends a different history: its size-4 prefix has another root.
        await collector.Evidence.AnchorAsync(logId, 8, forked.Root(8));
        var prover = await _network.NewActorAsync();
        var proverBefore = await prover.VpnBalanceAsync();
        var registry = _network.AddressOf(ContractNames.EvidenceRegistry);
        var anchors = await new AnchorReader(prover.Web3, registry).AnchorsAsync(logId);
        var proof = AnchorChain.Proof(anchors, 0);
        var consistency = forked.ConsistencyProof(4, 8).ToList();
        // The watcher stores the chain first: the collector's next anchor (a front-run) cannot make the proof stale.
        await prover.Evidence.CheckpointChainAsync(logId);
        await collector.Evidence.AnchorAsync(logId, 9, forked.Root(8));

        await Revert.WithAsync("EvidenceNoEquivocation", () => prover.Evidence.ProveEquivocationAsync(logId, proof, 0, 1, honest.Root(4), consistency));
        var receipt = await prover.Evidence.ProveEquivocationAsync(logId, proof, 0, 1, forked.Root(4), consistency);

        var equivocated = TestNetwork.Event<CollectorEquivocatedEvent>(receipt);
        Assert.Equal(4UL, equivocated.Size1);
        Assert.Equal(honest.Root(4), equivocated.AnchoredRoot1);
        Assert.Equal(Vpn.Tokens(1000), await prover.VpnBalanceAsync() - proverBefore);
        Assert.Equal((byte)CollectorStatus.Slashed, (await prover.Evidence.GetCollectorQueryAsync(collector.Address)).ReturnValue1.Status);
        await Revert.WithAsync("EvidenceCollectorNotActive", () => collector.Evidence.AnchorAsync(logId, 10, honest.Root(8)));
    }

    private static DmVoucher ToDm(Oracle.Chain.Contracts.Voucher v) => new()
    {
        SessionId = v.SessionId, CumulativeAmount = v.CumulativeAmount, CumulativeBytes = v.CumulativeBytes, LogSize = v.LogSize, LogRoot = v.LogRoot,
    };
}
