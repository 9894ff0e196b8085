using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Util;
using Nethereum.Web3;
using Oracle.Chain;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Contracts.OracleRegistry;
using Oracle.Chain.Contracts.PriceFeed;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Contracts.TokenExchange;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Deployment;
using Oracle.Chain.Keys;
using Oracle.Devnet.Runtime;
using Oracle.Testing;

namespace Oracle.Devnet.Tests;

/// <summary>
/// The devnet's five oracle nodes (processes started by <c>devnet up</c>, staked at start) resolve a dispute on their
/// own: they answer the VRF coordinator's request, draw the committee, judge, commit, reveal, execute the ruling and
/// claim their rewards. The test only acts as the parties (a provider registers, a client opens a session, the provider
/// files a claim) and moves the chain's clock through the devnet's day-long phases.
/// </summary>
public sealed class OracleNodesTests
{
    private static readonly BigInteger Vpn = BigInteger.Pow(10, 18);

    [Fact]
    public async Task DevnetUp_FiveStakedNodes_ResolveADisputeWithoutAnyoneCallingAContract()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"devnet-oracles-{Guid.NewGuid():N}");
        await using var network = await LocalNetwork.UpAsync(new LocalNetworkOptions { DataDirectory = dir, Repository = RepositoryLayout.Find(), StartGateway = false });
        var manifest = network.Manifest!;
        var chain = await ChainFixture.ForAsync(network.Chain.RpcUrl);
        var nodes = LocalNetwork.OracleNames.Select(n => network.Services[n]).ToList();
        var oracles = Enumerable.Range(1, 5).Select(i => DevelopmentKeys.Key(LocalNetwork.Roles[$"oracle-{i}"]).GetPublicAddress()).ToList();
        var registry = new OracleRegistryService(chain.ReadOnly, manifest.AddressOf(ContractNames.OracleRegistry));
        foreach (var oracle in oracles)
        {
            Assert.Equal(5_000 * Vpn, (await registry.OracleInfoQueryAsync(oracle)).Info.Stake);
        }

        Assert.All(nodes, n => Assert.True(n.IsRunning, $"{n.Name} is not running"));

        // The parties: a provider with the devnet's policy hash and a client with a session (penalty 50 VPN).
        var provider = await chain.ConnectAsync(LocalNetwork.Roles["provider"]);
        var client = await chain.ConnectAsync(LocalNetwork.Roles["client"]);
        await BuyAsync(provider, manifest, 2_000 * Vpn);
        await BuyAsync(client, manifest, 1_000 * Vpn);
        var policyHash = SHA256.HashData(Encoding.UTF8.GetBytes("devnet oracle test policy"));
        await Token(provider, manifest).ApproveAsync(manifest.AddressOf(ContractNames.ProviderRegistry), 1_000 * Vpn);
        await new ProviderRegistryService(provider, manifest.AddressOf(ContractNames.ProviderRegistry)).RegisterAsync(new ProviderInfo
        {
            Endpoint = "198.18.0.1:51820",
            TunnelPublicKey = RandomNumberGenerator.GetBytes(32),
            Region = "DE\0\0\0\0\0\0"u8.ToArray(),
            PricePerMiB = BigInteger.Pow(10, 15),
            PolicyHash = policyHash,
            PolicyUri = "https://policies.example/devnet.json",
        }, 1_000 * Vpn);
        await Token(client, manifest).ApproveAsync(manifest.AddressOf(ContractNames.SessionManager), 200 * Vpn);
        var opened = (await new SessionManagerService(client, manifest.AddressOf(ContractNames.SessionManager)).OpenSessionAsync(new OpenParams
        {
            Provider = provider.TransactionManager.Account.Address,
            Deposit = 200 * Vpn,
            PricePerMiB = BigInteger.Pow(10, 15),
            PolicyHash = policyHash,
            Penalty = 50 * Vpn,
            CommitteeSize = 3,
            Panel = [],
        })).DecodeAllEvents<SessionOpenedEvent>().Single().Event;
        var terms = new Session
        {
            Client = opened.Client, Provider = opened.Provider, Deposit = opened.Deposit, PricePerMiB = opened.PricePerMiB, Penalty = opened.Penalty,
            CommitteeSize = opened.CommitteeSize, OpenedAt = opened.OpenedAt, PolicyHash = opened.PolicyHash, PanelHash = opened.PanelHash,
        };

        // The provider claims the client breached the policy but brings no evidence: a claim no honest node upholds.
        var document = Encoding.UTF8.GetBytes($"{{\"name\":\"no evidence\",\"sessionId\":\"{opened.SessionId}\"}}");
        var disputes = new DisputeManagerService(provider, manifest.AddressOf(ContractNames.DisputeManager));
        await Token(provider, manifest).ApproveAsync(manifest.AddressOf(ContractNames.DisputeManager), 80 * Vpn);
        var filed = (await disputes.FileDisputeAsync(new Claim
        {
            SessionId = opened.SessionId, ClaimType = 1, RuleId = 7, EvidenceHash = Sha3Keccack.Current.CalculateHash(document),
            EvidenceUri = "data:application/json;base64," + Convert.ToBase64String(document),
        }, terms, [], [])).DecodeAllEvents<DisputeFiledEvent>().Single().Event;
        var id = filed.DisputeId;

        // The nodes answer the VRF request and draw.
        var drawn = await WaitForAsync(() => EventAsync<CommitteeDrawnEvent>(chain, manifest, e => e.DisputeId == id), TimeSpan.FromMinutes(3), "no committee drawn", nodes);
        Assert.All(drawn.Committee, a => Assert.Contains(a, oracles, StringComparer.OrdinalIgnoreCase));
        var commitPeriod = (ulong)NetworkParameters.Devnet.CommitPeriod.TotalSeconds;
        // Seats are drawn by stake, so one oracle may hold several: each juror commits and reveals once for all of them.
        var jurors = drawn.Committee.Select(a => a.ToLowerInvariant()).Distinct().Count();
        await ClockToAsync(chain, drawn.CommitDeadline - commitPeriod / 2 + 1);
        await WaitForAsync(async () => (await AllAsync<VoteCommittedEvent>(chain, manifest)).Count(e => e.DisputeId == id) == jurors ? "done" : null,
            TimeSpan.FromMinutes(3), "not every seat committed", nodes);
        await ClockToAsync(chain, drawn.CommitDeadline + 1);
        await WaitForAsync(async () => (await AllAsync<VoteRevealedEvent>(chain, manifest)).Count(e => e.DisputeId == id) == jurors ? "done" : null,
            TimeSpan.FromMinutes(3), "not every seat revealed", nodes);
        await ClockToAsync(chain, drawn.AppealDeadline + 1);
        var ruling = await WaitForAsync(() => EventAsync<RulingExecutedEvent>(chain, manifest, e => e.DisputeId == id), TimeSpan.FromMinutes(3), "the ruling was not executed", nodes);

        Assert.Equal(2, ruling.Ruling);
        Assert.Equal(opened.Client, ruling.Winner, ignoreCase: true);
        Assert.All((await AllAsync<VoteRevealedEvent>(chain, manifest)).Where(e => e.DisputeId == id), v => Assert.Equal(2, v.Vote));
        var rewarded = await WaitForAsync(async () =>
        {
            var claims = (await AllAsync<RewardClaimedEvent>(chain, manifest)).Where(e => e.DisputeId == id).Select(e => e.Juror.ToLowerInvariant()).Distinct().ToList();
            return claims.Count == jurors ? claims : null;
        }, TimeSpan.FromMinutes(3), "not every juror claimed its reward", nodes);
        Assert.Equal(drawn.Committee.Select(a => a.ToLowerInvariant()).Distinct().Order(), rewarded.Order());
    }

    private static VpnTokenService Token(IWeb3 web3, DeploymentManifest manifest) => new(web3, manifest.AddressOf(ContractNames.VpnToken));

    private static async Task BuyAsync(IWeb3 buyer, DeploymentManifest manifest, BigInteger amount)
    {
        var price = (await new PriceFeedService(buyer, manifest.AddressOf(ContractNames.PriceFeedVpnEth)).LatestRoundDataQueryAsync()).Answer;
        var exchange = new TokenExchangeService(buyer, manifest.AddressOf(ContractNames.TokenExchange));
        var fee = await exchange.FeeBpsQueryAsync();
        await exchange.BuyWithEthAsync(amount, amount * price / Vpn * 10_000 / (10_000 - fee) + 1_000_000);
    }

    private static async Task ClockToAsync(ChainFixture chain, ulong unixTime)
    {
        var now = await chain.LatestTimestampAsync();
        if (unixTime > now)
        {
            await chain.IncreaseTimeAsync(TimeSpan.FromSeconds(unixTime - now));
        }
    }

    private static async Task<List<T>> AllAsync<T>(ChainFixture chain, DeploymentManifest manifest)
        where T : class, Nethereum.ABI.FunctionEncoding.Attributes.IEventDTO, new()
    {
        var handler = chain.ReadOnly.Eth.GetEvent<T>(manifest.AddressOf(ContractNames.DisputeManager));
        var logs = await handler.GetAllChangesAsync(handler.CreateFilterInput(new BlockParameter(new HexBigInteger(manifest.Contracts[ContractNames.DisputeManager].BlockNumber)), BlockParameter.CreateLatest()));
        return [.. logs.Select(l => l.Event)];
    }

    private static async Task<T?> EventAsync<T>(ChainFixture chain, DeploymentManifest manifest, Func<T, bool> match)
        where T : class, Nethereum.ABI.FunctionEncoding.Attributes.IEventDTO, new()
        => (await AllAsync<T>(chain, manifest)).FirstOrDefault(match);

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what, IReadOnlyList<ServiceProcess> nodes)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(500);
        }

        var logs = string.Join("\n", nodes.Select(n => $"===== {n.Name}\n" + (File.Exists(n.LogPath) ? string.Join('\n', File.ReadLines(n.LogPath).TakeLast(30)) : "(no log)")));
        throw new TimeoutException($"{what} within {timeout}\n{logs}");
    }
}
