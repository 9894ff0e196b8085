using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Hex.HexTypes;
using Nethereum.JsonRpc.Client;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Signer;
using Nethereum.Web3;
using Oracle.Chain;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Contracts.EvidenceRegistry;
using Oracle.Chain.Contracts.OracleRegistry;
using Oracle.Chain.Contracts.PriceFeed;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Contracts.TokenExchange;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Deployment;
using Oracle.Chain.Keys;
using Oracle.Chain.Randomness;
using Oracle.Core.Eip712;
using CoreVoucher = Oracle.Core.Eip712.Voucher;
using Session = Oracle.Chain.Contracts.Session;

namespace Oracle.GasBench;

/// <summary>
/// One pass over every measured operation. Steady-state figures: accounts already hold tokens (no first-ever balance
/// slot), as they would after their first use; first-time costs are reported beside them where they differ.
/// </summary>
internal sealed class GasScenario(string rpcUrl, TextWriter log)
{
    private const int Oracles = 1000;
    private static readonly BigInteger Token = BigInteger.Pow(10, 18);
    private readonly GasResults _results = new();
    private DeploymentManifest _manifest = null!;

    public async Task<GasResults> RunAsync(CancellationToken ct)
    {
        var deployerWeb3 = await ChainConnection.ConnectAsync(rpcUrl, DevelopmentKeys.Key(0), ct);
        _manifest = await OracleNetworkDeployer.DeployAsync(deployerWeb3, "gasbench", NetworkParameters.Devnet, null, ct);
        var deployer = await ActorAsync(DevelopmentKeys.Key(0), ct);
        // The randomness duty (an oracle node's): answer LocalVrfCoordinator's requests with the development VRF key.
        _fulfiller = new VrfFulfiller(deployerWeb3, Address(ContractNames.VrfCoordinator), DevelopmentKeys.Vrf(), Address(ContractNames.RandomnessSource));
        _fulfilledFrom = _manifest.Contracts[ContractNames.VrfCoordinator].BlockNumber;

        // Price reporters (3 = quorum) and a funder who buys the stake of 1000 oracles.
        var reporters = new List<Actor>();
        for (var i = 1; i <= 3; i++)
        {
            reporters.Add(await FundedAsync(DevelopmentKeys.Key(i), 2_000, ct));
        }

        foreach (var r in reporters)
        {
            await r.Token.ApproveAsync(Address(ContractNames.OracleRegistry), 2_000 * Token, ct);
        }

        _results["stake"] = await Gas(reporters[0].Oracles.StakeAsync(1_500 * Token, ct));
        _results["stake_top_up"] = await Gas(reporters[0].Oracles.StakeAsync(100 * Token, ct));
        await reporters[1].Oracles.StakeAsync(1_500 * Token, ct);
        await reporters[2].Oracles.StakeAsync(1_500 * Token, ct);
        var round = await deployer.VpnFeed.LatestRoundQueryAsync(null, ct) + 1;
        _results["price_report_first"] = await Gas(reporters[0].VpnFeed.ReportAsync(round, BigInteger.Pow(10, 14), ct));
        _results["price_report_middle"] = await Gas(reporters[1].VpnFeed.ReportAsync(round, BigInteger.Pow(10, 14) + 5, ct));
        _results["price_report"] = await Gas(reporters[2].VpnFeed.ReportAsync(round, BigInteger.Pow(10, 14) - 5, ct));
        foreach (var r in reporters)
        {
            await r.BtcFeed.ReportAsync(await deployer.BtcFeed.LatestRoundQueryAsync(null, ct) + 1, 20 * Token, ct);
        }

        await StakeManyAsync(deployerWeb3, ct);
        await SessionsAsync(ct);
        await AnchorsAsync(ct);
        await DisputeAsync(ct);
        await ReleaseAsync(ct);
        return _results;
    }

    private async Task StakeManyAsync(IWeb3 deployerWeb3, CancellationToken ct)
    {
        var funder = await FundedAsync(DevelopmentKeys.Key(4), Oracles * 1_700L, ct);
        await funder.Token.ApproveAsync(Address(ContractNames.OracleRegistry), Oracles * 1_700 * Token, ct);
        for (var i = 0; i < Oracles; i++)
        {
            await funder.Oracles.StakeForAsync(OracleKey(i).GetPublicAddress(), (1_000 + (i % 7 * 100)) * Token, ct);
        }

        log.WriteLine($"staked {Oracles} oracles (+3 reporters); total weight {await funder.Oracles.TotalWeightQueryAsync(null, ct)}");
        _ = deployerWeb3;
    }

    private Actor _client = null!;
    private Actor _provider = null!;
    private VrfFulfiller _fulfiller = null!;
    private (ulong Id, Session Session) _closed;
    private ulong _fulfilledFrom;

    /// <summary>Answers the pending VRF requests; returns the gas of the last answer.</summary>
    private async Task<long> FulfillAsync(CancellationToken ct)
    {
        var before = _fulfilledFrom;
        var pass = await _fulfiller.FulfillPendingAsync(_fulfilledFrom, ct);
        _fulfilledFrom = pass.NextFromBlock;
        if (pass.Answered.Count == 0)
        {
            throw new InvalidOperationException($"no VRF request to answer from block {before}");
        }

        var fulfilled = ChainConnection.ReadOnly(rpcUrl).Eth.GetEvent<Oracle.Chain.Contracts.LocalVrfCoordinator.RandomWordsFulfilledEvent>(Address(ContractNames.VrfCoordinator));
        var logs = await fulfilled.GetAllChangesAsync(fulfilled.CreateFilterInput(new BlockParameter(new HexBigInteger(before)), BlockParameter.CreateLatest()));
        var receipt = await ChainConnection.ReadOnly(rpcUrl).Eth.Transactions.GetTransactionReceipt.SendRequestAsync(logs[^1].Log.TransactionHash);
        return (long)receipt.GasUsed.Value;
    }

    private async Task SessionsAsync(CancellationToken ct)
    {
        _provider = await FundedAsync(DevelopmentKeys.Key(5), 2_000, ct);
        _client = await FundedAsync(DevelopmentKeys.Key(6), 10_000, ct);
        var info = new ProviderInfo
        {
            Endpoint = "198.18.0.1:51820",
            TunnelPublicKey = SHA256.HashData("tunnel"u8),
            Region = Encoding.ASCII.GetBytes("DE\0\0\0\0\0\0"),
            PricePerMiB = 1_000_000_000_000,
            PolicyHash = SHA256.HashData("policy"u8),
            PolicyUri = "https://policies.example/p.json",
        };
        await _provider.Token.ApproveAsync(Address(ContractNames.ProviderRegistry), 1_000 * Token, ct);
        _results["provider_register"] = await Gas(_provider.Providers.RegisterAsync(info, 1_000 * Token, ct));
        await _client.Token.ApproveAsync(Address(ContractNames.SessionManager), BigInteger.Pow(2, 255), ct);

        var p = new OpenParams { Provider = _provider.Address, Deposit = 100 * Token, PricePerMiB = info.PricePerMiB, PolicyHash = info.PolicyHash, Penalty = 40 * Token, CommitteeSize = 5 };
        // Warm-up session: the SessionManager's own token balance slot exists from then on (as on any live network).
        var (warmId, warm) = await OpenAsync(p, "open_session_first", ct);
        var (id, session) = await OpenAsync(p, "open_session", ct);

        var (v1, s1) = Sign(id, 10 * Token);
        _results["settle_voucher"] = await Gas(_provider.Sessions.SettleVoucherAsync(id, session, v1, s1, ct));
        var (v2, s2) = Sign(id, 20 * Token);
        _results["settle_voucher_again"] = await Gas(_provider.Sessions.SettleVoucherAsync(id, session, v2, s2, ct));
        var (v3, s3) = Sign(id, 30 * Token);
        _results["close_session"] = await Gas(_provider.Sessions.CloseSessionAsync(id, session, v3, s3, ct));
        var (wv, ws) = Sign(warmId, 5 * Token);
        _results["close_session_first_payment"] = await Gas(_provider.Sessions.CloseSessionAsync(warmId, warm, wv, ws, ct));
        _closed = (id, session);
    }

    /// <summary>Once no claim can come (last: it moves the clock two weeks), anyone releases the session's reservation.</summary>
    private async Task ReleaseAsync(CancellationToken ct)
    {
        await RpcAsync("evm_increaseTime", (long)(NetworkParameters.Devnet.DisputeWindow.TotalSeconds + 60));
        await RpcAsync("evm_mine");
        _results["release_bond"] = await Gas(_client.Sessions.ReleaseBondAsync(_closed.Id, _closed.Session, ct));
    }

    private async Task<(ulong Id, Session Session)> OpenAsync(OpenParams p, string key, CancellationToken ct)
    {
        var receipt = await _client.Sessions.OpenSessionAsync(p, ct);
        _results[key] = (long)receipt.GasUsed.Value;
        var e = receipt.DecodeAllEvents<SessionOpenedEvent>().Single().Event;
        return (e.SessionId, new Session
        {
            Client = e.Client, Provider = e.Provider, Deposit = e.Deposit, PricePerMiB = e.PricePerMiB, Penalty = e.Penalty,
            CommitteeSize = e.CommitteeSize, OpenedAt = e.OpenedAt, PolicyHash = e.PolicyHash, PanelHash = e.PanelHash,
        });
    }

    private (Oracle.Chain.Contracts.Voucher, byte[]) Sign(ulong id, BigInteger amount)
    {
        var v = new CoreVoucher { SessionId = id, CumulativeAmount = amount, CumulativeBytes = 1 << 30, LogSize = 1000, LogRoot = SHA256.HashData(BitConverter.GetBytes(id)) };
        var signature = TypedDataSigner.Sign(v, TypedDataDomain.SessionManager(31337, Address(ContractNames.SessionManager)), DevelopmentKeys.Key(6)).HexToByteArray();
        return (new Oracle.Chain.Contracts.Voucher { SessionId = v.SessionId, CumulativeAmount = v.CumulativeAmount, CumulativeBytes = v.CumulativeBytes, LogSize = v.LogSize, LogRoot = v.LogRoot }, signature);
    }

    private async Task AnchorsAsync(CancellationToken ct)
    {
        var collector = await FundedAsync(DevelopmentKeys.Key(7), 1_000, ct);
        await collector.Token.ApproveAsync(Address(ContractNames.EvidenceRegistry), 1_000 * Token, ct);
        await collector.Evidence.RegisterCollectorAsync(1_000 * Token, ct);
        var logId = SHA256.HashData("log"u8);
        _results["anchor_checkpoint_new_log"] = await Gas(collector.Evidence.AnchorAsync(logId, 10, SHA256.HashData("r10"u8), ct));
        _results["anchor_checkpoint"] = await Gas(collector.Evidence.AnchorAsync(logId, 20, SHA256.HashData("r20"u8), ct));
    }

    private async Task<(ulong Id, Dispute Dispute, Oracle.Chain.Contracts.Session Terms, TransactionReceipt Filed)> FileOnNewSessionAsync(CancellationToken ct)
    {
        // A served session: it opened and settled a voucher before the provider's claim.
        var p = new OpenParams { Provider = _provider.Address, Deposit = 100 * Token, PricePerMiB = 1_000_000_000_000, PolicyHash = SHA256.HashData("policy"u8), Penalty = 40 * Token, CommitteeSize = 5 };
        var receipt = await _client.Sessions.OpenSessionAsync(p, ct);
        var o = receipt.DecodeAllEvents<SessionOpenedEvent>().Single().Event;
        var session = new Session
        {
            Client = o.Client, Provider = o.Provider, Deposit = o.Deposit, PricePerMiB = o.PricePerMiB, Penalty = o.Penalty,
            CommitteeSize = o.CommitteeSize, OpenedAt = o.OpenedAt, PolicyHash = o.PolicyHash, PanelHash = o.PanelHash,
        };
        var (v, sig) = Sign(o.SessionId, 5 * Token);
        await _provider.Sessions.SettleVoucherAsync(o.SessionId, session, v, sig, ct);
        var terms = new Oracle.Chain.Contracts.Session
        {
            Client = o.Client, Provider = o.Provider, Deposit = o.Deposit, PricePerMiB = o.PricePerMiB, Penalty = o.Penalty,
            CommitteeSize = o.CommitteeSize, OpenedAt = o.OpenedAt, PolicyHash = o.PolicyHash, PanelHash = o.PanelHash,
        };
        var claim = new Claim { SessionId = o.SessionId, ClaimType = 1, RuleId = 7, EvidenceHash = SHA256.HashData("e"u8), EvidenceUri = "ipfs://bafy-evidence" };
        var filed = await _provider.Disputes.FileDisputeAsync(claim, terms, [], [], ct);
        var e = filed.DecodeAllEvents<DisputeFiledEvent>().Single().Event;
        return (e.DisputeId, e.Dispute, terms, filed);
    }

    /// <summary>
    /// Disputes measured one after another: the draw's cost depends on the committee, which depends on the VRF answer,
    /// which depends on block hashes (and so on the node's clock): the figures are means over the runs, with the
    /// largest beside them.
    /// </summary>
    private const int DisputeRuns = 5;

    private async Task DisputeAsync(CancellationToken ct)
    {
        await _provider.Token.ApproveAsync(Address(ContractNames.DisputeManager), 10_000 * Token, ct);
        // The network's first dispute also creates the DisputeManager's token balance; measure the steady state after it.
        var warm = await FileOnNewSessionAsync(ct);
        _results["file_dispute_first"] = (long)warm.Filed.GasUsed.Value;
        await FulfillAsync(ct);
        await _client.Disputes.DrawAsync(warm.Id, warm.Dispute, ct);

        var runs = new List<DisputeRun>();
        for (var run = 0; run < DisputeRuns; run++)
        {
            runs.Add(await OneDisputeAsync(settle: run == 0, ct));
        }

        long Mean(Func<DisputeRun, long> f) => (long)Math.Round(runs.Average(f));
        _results["file_dispute"] = Mean(r => r.File);
        _results["vrf_fulfill"] = Mean(r => r.Fulfil);
        _results["draw_5_of_1000"] = Mean(r => r.Draw);
        _results["draw_5_of_1000_max"] = runs.Max(r => r.Draw);
        _results["commit"] = Mean(r => r.Commits / r.Jurors);
        _results["reveal"] = Mean(r => r.Reveals / r.Jurors);
        _results["execute_ruling"] = Mean(r => r.Execute);
        _results["dispute_jurors"] = runs.Min(r => r.Jurors);
        _results["dispute_total_5"] = Mean(r => r.Total);
        _results["dispute_total_5_max"] = runs.Max(r => r.Total);
        // The randomness operator's answer is a transaction of its own (paid by the operator, or on Chainlink by the
        // subscription), not the parties' or jurors'; shown beside the total.
        _results["dispute_total_5_with_randomness"] = Mean(r => r.Total + r.Fulfil);
        _results["dispute_lifecycle_5"] = runs[0].Total + _results["settle_round"] + runs[0].Claims;
    }

    private sealed record DisputeRun(long File, long Fulfil, long Draw, long Commits, long Reveals, long Execute, int Jurors, long Claims)
    {
        public long Total => File + Draw + Commits + Reveals + Execute;
    }

    private async Task<DisputeRun> OneDisputeAsync(bool settle, CancellationToken ct)
    {
        var (id, dispute, terms, filed) = await FileOnNewSessionAsync(ct);
        var fulfil = await FulfillAsync(ct);
        var drawn = await _client.Disputes.DrawAsync(id, dispute, ct);
        log.WriteLine($"draw tx {drawn.TransactionHash}; file tx {filed.TransactionHash}");
        var committee = drawn.DecodeAllEvents<CommitteeDrawnEvent>().Single().Event.Committee;

        var jurors = committee.Select(a => a.ToLowerInvariant()).Distinct().ToList();
        var actors = new List<Actor>();
        foreach (var j in jurors)
        {
            var index = Enumerable.Range(0, Oracles).First(i => OracleKey(i).GetPublicAddress().Equals(j, StringComparison.OrdinalIgnoreCase));
            await RpcAsync("hardhat_setBalance", j, new HexBigInteger(BigInteger.Pow(10, 20)).HexValue);
            actors.Add(await ActorAsync(OracleKey(index), ct));
        }

        // Four with the majority, the last distinct juror against it (when the draw gave more than one juror).
        // Fixed salts: calldata gas depends on zero bytes, so random salts would make the figures wobble by a few gas.
        var salts = actors.Select((_, i) => SHA256.HashData(Encoding.UTF8.GetBytes("gasbench salt " + i))).ToList();
        byte VoteOf(int i) => (byte)(i == actors.Count - 1 && actors.Count > 1 ? 2 : 1);
        long commits = 0, reveals = 0;
        for (var i = 0; i < actors.Count; i++)
        {
            var c = await actors[i].Disputes.CommitmentOfQueryAsync(actors[i].Address, id, 0, VoteOf(i), salts[i], null, ct);
            commits += await Gas(actors[i].Disputes.CommitAsync(id, 0, committee, c, ct));
        }

        await RpcAsync("evm_increaseTime", (long)NetworkParameters.Devnet.CommitPeriod.TotalSeconds);
        for (var i = 0; i < actors.Count; i++)
        {
            reveals += await Gas(actors[i].Disputes.RevealAsync(id, 0, VoteOf(i), salts[i], ct));
        }

        await RpcAsync("evm_increaseTime", (long)(NetworkParameters.Devnet.RevealPeriod + NetworkParameters.Devnet.AppealPeriod).TotalSeconds);
        var executedReceipt = await _client.Disputes.ExecuteRulingAsync(id, dispute, terms, ct);
        log.WriteLine($"execute tx {executedReceipt.TransactionHash}; {actors.Count} distinct jurors for 5 seats; the last voted against the majority");
        long claims = 0;
        if (settle)
        {
            // After the ruling: settling the round slashes the juror against the majority (anyone may call), then each
            // coherent juror claims. Neither is part of dispute_total_5 (filing to executed ruling); dispute_lifecycle_5
            // adds them, so the whole cost of the dispute stays visible.
            _results["settle_round"] = await Gas(_client.Disputes.SettleRoundAsync(id, 0, dispute, committee, ct));
            for (var i = 0; i < actors.Count; i++)
            {
                if (VoteOf(i) == 1)
                {
                    var claimed = await Gas(actors[i].Disputes.ClaimRewardAsync(id, 0, ct));
                    claims += claimed;
                    if (i == 0)
                    {
                        _results["claim_reward"] = claimed;
                    }
                }
            }
        }

        // The winner takes its credit, so every run's ruling credits a first-time winner (as the figures always have).
        await _provider.Disputes.WithdrawAsync(ct);
        return new DisputeRun((long)filed.GasUsed.Value, fulfil, (long)drawn.GasUsed.Value, commits, reveals, (long)executedReceipt.GasUsed.Value, actors.Count, claims);
    }

    private static EthECKey OracleKey(int i) => new(SHA256.HashData(Encoding.UTF8.GetBytes("gasbench oracle " + i)), true);

    private string Address(string contract) => _manifest.AddressOf(contract);

    private async Task<Actor> ActorAsync(EthECKey key, CancellationToken ct)
        => new(await ChainConnection.ConnectAsync(rpcUrl, key, ct), key.GetPublicAddress(), _manifest);

    private async Task<Actor> FundedAsync(EthECKey key, long vpn, CancellationToken ct)
    {
        var actor = await ActorAsync(key, ct);
        var wei = vpn * BigInteger.Pow(10, 14) * 10_000 / 9_970 + 1_000_000;
        await actor.Exchange.BuyWithEthAsync(vpn * Token, wei, ct);
        return actor;
    }

    private async Task RpcAsync(string method, params object[] args)
        => await ChainConnection.ReadOnly(rpcUrl).Client.SendRequestAsync<object>(new RpcRequest(Guid.NewGuid().ToString("N"), method, args));

    private static async Task<long> Gas(Task<TransactionReceipt> send) => (long)(await send).GasUsed.Value;

    private sealed class Actor(IWeb3 web3, string address, DeploymentManifest m)
    {
        public string Address { get; } = address;
        public VpnTokenService Token { get; } = new(web3, m.AddressOf(ContractNames.VpnToken));
        public TokenExchangeService Exchange { get; } = new(web3, m.AddressOf(ContractNames.TokenExchange));
        public PriceFeedService VpnFeed { get; } = new(web3, m.AddressOf(ContractNames.PriceFeedVpnEth));
        public PriceFeedService BtcFeed { get; } = new(web3, m.AddressOf(ContractNames.PriceFeedBtcEth));
        public OracleRegistryService Oracles { get; } = new(web3, m.AddressOf(ContractNames.OracleRegistry));
        public ProviderRegistryService Providers { get; } = new(web3, m.AddressOf(ContractNames.ProviderRegistry));
        public SessionManagerService Sessions { get; } = new(web3, m.AddressOf(ContractNames.SessionManager));
        public EvidenceRegistryService Evidence { get; } = new(web3, m.AddressOf(ContractNames.EvidenceRegistry));
        public DisputeManagerService Disputes { get; } = new(web3, m.AddressOf(ContractNames.DisputeManager));
    }
}
