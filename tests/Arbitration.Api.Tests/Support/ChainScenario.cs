using System.Numerics;
using System.Security.Cryptography;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Deployment;
using Oracle.Chain.Keys;
using Oracle.Chain.Model;
using Oracle.Chain.Randomness;
using Oracle.Core.Eip712;
using Oracle.Testing;

namespace Arbitration.Api.Tests.Support;

/// <summary>
/// The test process's network (<see cref="DeployedNetwork"/>, on this project's private chain, driven as
/// <see cref="TestNetwork.SharedAsync"/>: its price oracles keep both feeds fresh) with the actors the API tests drive:
/// staked oracles that sit on committees (their keys are known, so tests can vote), providers and clients. Every
/// contract call goes through here the way parties and oracle nodes make it.
/// </summary>
internal sealed class ChainScenario
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static ChainScenario? _shared;
    private readonly Dictionary<string, Actor> _oracles = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _vrfGate = new(1, 1);
    private ulong _vrfFrom;

    private ChainScenario(DeployedNetwork network, TestNetwork test)
    {
        Network = network;
        Test = test;
        foreach (var oracle in test.PriceOracles)
        {
            _oracles[oracle.Address] = oracle;
        }
    }

    public DeployedNetwork Network { get; }

    /// <summary>The shared network's actors and prices (Oracle.Testing).</summary>
    public TestNetwork Test { get; }

    public ChainFixture Chain => Test.Chain;

    public DeploymentManifest Manifest => Network.Manifest;

    public NetworkParameters Parameters => Test.Parameters;

    /// <summary>The staked oracles by address (price reporters included): every committee seat is one of them.</summary>
    public IReadOnlyDictionary<string, Actor> Oracles => _oracles;

    public string AddressOf(string contract) => Manifest.AddressOf(contract);

    /// <summary>The scenario of this test process: the network, its three price oracles and five more staked oracles.</summary>
    public static async Task<ChainScenario> GetAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_shared is null)
            {
                var scenario = new ChainScenario(await DeployedNetwork.GetAsync(), await TestNetwork.SharedAsync());
                for (var i = 0; i < 5; i++)
                {
                    await scenario.NewOracleAsync(2000);
                }

                _shared = scenario;
            }

            return _shared;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>A new account with ETH and, when asked, VPN bought from the exchange.</summary>
    public Task<Actor> NewActorAsync(long vpn = 0, decimal ether = 10_000) => Test.NewActorAsync(vpn, ether);

    /// <summary>Reports the genesis prices again when the latest round is about to go stale (time travel ages it).</summary>
    public Task EnsureFreshPricesAsync() => Test.EnsureFreshPricesAsync();

    /// <summary>Has the price oracles finalize a round on both feeds.</summary>
    public Task ReportPricesAsync(BigInteger vpnEth, BigInteger btcEth) => Test.ReportPricesAsync(vpnEth, btcEth);

    /// <summary>A new oracle that bought and staked <paramref name="stake"/> VPN, known to the scenario (it can vote).</summary>
    public async Task<Actor> NewOracleAsync(long stake)
    {
        var oracle = await Test.NewOracleAsync(stake);
        _oracles[oracle.Address] = oracle;
        return oracle;
    }

    /// <summary>A new provider registered with <paramref name="bond"/> VPN of bond.</summary>
    public Task<Actor> NewProviderAsync(string region = "DE", long pricePerMiB = 1_000_000_000_000, long bond = 1000)
        => Test.NewProviderAsync(bond, region: region, pricePerMiB: pricePerMiB);

    /// <summary>
    /// Opens a session of <paramref name="client"/> with <paramref name="provider"/>; with a <paramref name="panel"/> (the
    /// committee named in the session), the provider signs the panel acceptance and the client opens with it.
    /// </summary>
    public async Task<(ulong Id, Session Terms)> OpenSessionAsync(Actor client, Actor provider, long deposit = 100, long penalty = 40, byte committee = 3,
        IReadOnlyList<string>? panel = null)
    {
        var info = await provider.Providers.GetProviderQueryAsync(provider.Address);
        var members = (panel ?? []).Select(a => a.ToLowerInvariant()).Order(StringComparer.Ordinal).ToList();
        var parameters = new OpenParams
        {
            Provider = provider.Address,
            Deposit = Vpn.Tokens(deposit),
            PricePerMiB = info.P.Info.PricePerMiB,
            PolicyHash = info.P.Info.PolicyHash,
            Penalty = Vpn.Tokens(penalty),
            CommitteeSize = committee,
            Panel = members,
        };
        await client.Token.ApproveAsync(AddressOf(ContractNames.SessionManager), parameters.Deposit);
        TransactionReceipt receipt;
        if (members.Count == 0)
        {
            receipt = await client.Sessions.OpenSessionAsync(parameters);
        }
        else
        {
            var deadline = await Chain.LatestTimestampAsync() + 600;
            var acceptance = new Oracle.Core.Eip712.PanelAcceptance
            {
                Client = client.Address,
                Penalty = parameters.Penalty,
                CommitteeSize = committee,
                PanelHash = Oracle.Core.Eip712.PanelAcceptance.HashPanel(members),
                Deadline = deadline,
            };
            var signature = TypedDataSigner.Sign(acceptance, TypedDataDomain.SessionManager(Chain.ChainId, AddressOf(ContractNames.SessionManager)), provider.Key);
            receipt = await client.Sessions.OpenSessionWithPanelAsync(parameters, deadline, Convert.FromHexString(signature.AsSpan(2)));
        }

        var opened = receipt.DecodeAllEvents<SessionOpenedEvent>().Single().Event;
        return (opened.SessionId, Oracle.Chain.Sessions.SessionRecord.FromEvent(opened, 0).Terms);
    }

    /// <summary>Settles a voucher the client signs for <paramref name="amount"/> (paying the provider the increase).</summary>
    public async Task<TransactionReceipt> SettleVoucherAsync(Actor client, Actor provider, ulong sessionId, Session terms, BigInteger amount, ulong bytes)
    {
        var voucher = new Oracle.Core.Eip712.Voucher { SessionId = sessionId, CumulativeAmount = amount, CumulativeBytes = bytes, LogSize = 3, LogRoot = SHA256.HashData(BitConverter.GetBytes(bytes)) };
        var signature = TypedDataSigner.Sign(voucher, TypedDataDomain.SessionManager(Chain.ChainId, AddressOf(ContractNames.SessionManager)), client.Key);
        return await provider.Sessions.SettleVoucherAsync(sessionId, terms, new Oracle.Chain.Contracts.Voucher
        {
            SessionId = sessionId,
            CumulativeAmount = amount,
            CumulativeBytes = bytes,
            LogSize = voucher.LogSize,
            LogRoot = voucher.LogRoot,
        }, Nethereum.Hex.HexConvertors.Extensions.HexByteConvertorExtensions.HexToByteArray(signature));
    }

    /// <summary>Files a dispute directly (the filer pays its own gas), approving the cost first.</summary>
    public async Task<(ulong Id, Dispute Record)> FileDirectlyAsync(Actor filer, ulong sessionId, Session terms, ClaimType claimType, uint ruleId = 7)
    {
        await filer.Token.ApproveAsync(AddressOf(ContractNames.DisputeManager), Cost(terms.CommitteeSize));
        var receipt = await filer.Disputes.FileDisputeAsync(new Claim
        {
            SessionId = sessionId,
            ClaimType = (byte)claimType,
            RuleId = ruleId,
            EvidenceHash = SHA256.HashData("evidence"u8),
            EvidenceUri = "ipfs://evidence",
        }, terms, [], []);
        var filed = receipt.DecodeAllEvents<DisputeFiledEvent>().Single().Event;
        return (filed.DisputeId, filed.Dispute);
    }

    /// <summary>Answers the randomness requests of the last 200 blocks not answered yet (as the oracle node's randomness duty does).</summary>
    public async Task FulfillRandomnessAsync(Actor caller)
    {
        await _vrfGate.WaitAsync();
        try
        {
            var fulfiller = new VrfFulfiller(caller.Web3, AddressOf(ContractNames.VrfCoordinator), DevelopmentKeys.Vrf(), AddressOf(ContractNames.RandomnessSource));
            // Requests older than ~256 blocks can no longer be answered (their blockhash is gone): those are disputes
            // other tests filed and never drew, so the pass starts within reach.
            var head = await HeadAsync();
            _vrfFrom = (await fulfiller.FulfillPendingAsync(Math.Max(_vrfFrom, head > 200 ? head - 200 : 0))).NextFromBlock;
        }
        finally
        {
            _vrfGate.Release();
        }
    }

    public BigInteger Cost(byte seats) => Parameters.FeePerSeat * seats + Parameters.StakePerRound;

    /// <summary>
    /// Mines the block the randomness waits for, answers the pending VRF requests (the oracle node's randomness duty,
    /// with the development VRF key the shared network was deployed with) and draws the committee.
    /// </summary>
    public async Task<CommitteeDrawnEvent> DrawAsync(Actor caller, ulong disputeId, Dispute record)
    {
        await Chain.MineAsync();
        await FulfillRandomnessAsync(caller);
        var receipt = await caller.Disputes.DrawAsync(disputeId, record);
        return receipt.DecodeAllEvents<CommitteeDrawnEvent>().Single().Event;
    }

    /// <summary>Every distinct juror of <paramref name="committee"/> commits <paramref name="vote"/>; returns their salts.</summary>
    public async Task<Dictionary<string, byte[]>> CommitAllAsync(ulong disputeId, byte round, List<string> committee, Func<string, Ruling> vote)
    {
        var salts = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var juror in committee.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var oracle = _oracles[juror];
            var salt = RandomNumberGenerator.GetBytes(32);
            var commitment = await oracle.Disputes.CommitmentOfQueryAsync(oracle.Address, disputeId, round, (byte)vote(juror), salt);
            await oracle.Disputes.CommitAsync(disputeId, round, committee, commitment);
            salts[juror] = salt;
        }

        return salts;
    }

    /// <summary>Every juror in <paramref name="salts"/> reveals <paramref name="vote"/>.</summary>
    public async Task RevealAllAsync(ulong disputeId, byte round, Dictionary<string, byte[]> salts, Func<string, Ruling> vote)
    {
        foreach (var (juror, salt) in salts)
        {
            await _oracles[juror].Disputes.RevealAsync(disputeId, round, (byte)vote(juror), salt);
        }
    }

    /// <summary>The latest block number.</summary>
    public async Task<ulong> HeadAsync() => (ulong)(await Chain.ReadOnly.Eth.Blocks.GetBlockNumber.SendRequestAsync()).Value;
}
