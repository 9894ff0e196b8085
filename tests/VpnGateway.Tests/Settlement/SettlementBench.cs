using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Logging.Abstractions;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Signer;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Sessions;
using Oracle.Chain.Transactions;
using Oracle.Core.Eip712;
using Oracle.Core.Evidence;
using Oracle.Storage.ChainCursors;
using Oracle.Chain.Events;
using Oracle.Testing;
using VpnGateway.Metering.Spool;
using VpnGateway.Settlement;
using VpnGateway.Tests.Providers;

namespace VpnGateway.Tests.Settlement;

/// <summary>
/// One on-chain session on contracts of its own on the shared local chain: a registered provider with its spool and
/// transaction sender, a client that signs vouchers (as its gateway would) and can act on the SessionManager itself.
/// </summary>
internal sealed class SettlementBench : IDisposable
{
    public static readonly BigInteger Price = BigInteger.Pow(10, 15);
    public static readonly BigInteger Deposit = 5 * ChainSessions.Token;

    private static readonly TransactionSenderOptions Fast = new()
    {
        PollInterval = TimeSpan.FromMilliseconds(20),
        RetryDelay = TimeSpan.FromMilliseconds(50),
        MaxRetryDelay = TimeSpan.FromMilliseconds(200),
    };

    private readonly string _folder = Directory.CreateTempSubdirectory("settlement-").FullName;

    private SettlementBench(ChainFixture chain, ChainSessions contracts, EthECKey provider, EthECKey client, ulong sessionId, ulong startBlock)
    {
        Chain = chain;
        Contracts = contracts;
        Provider = provider;
        Client = client;
        SessionId = sessionId;
        StartBlock = startBlock;
        Spool = EvidenceSpool.Open(SpoolPath);
        Sender = new TransactionSender(chain.RpcUrl, chain.ChainId, provider, Fast);
    }

    public ChainFixture Chain { get; }

    public ChainSessions Contracts { get; }

    public EthECKey Provider { get; }

    public EthECKey Client { get; }

    public ulong SessionId { get; }

    public ulong StartBlock { get; }

    public EvidenceSpool Spool { get; private set; }

    public ITransactionSender Sender { get; }

    public string SpoolPath => Path.Combine(_folder, "spool.db");

    public static async Task<SettlementBench> StartAsync(ChainFixture chain, ulong challengeWindow = 3600, ulong maxSessionDuration = 86400)
    {
        var startBlock = await chain.BlockNumberAsync();
        var contracts = await ChainSessions.DeployAsync(chain, TimeSpan.FromSeconds(challengeWindow), TimeSpan.FromSeconds(maxSessionDuration));
        var provider = await contracts.RegisterProviderAsync(Enumerable.Repeat((byte)7, 32).ToArray(), "198.18.0.1:51820", Price);
        var (client, session) = await contracts.OpenSessionAsync(provider.GetPublicAddress(), Price);
        var bench = new SettlementBench(chain, contracts, provider, client, session, startBlock);
        bench.Spool.TrackSettlement(session, SettlementRole.Provider, onChain: true);
        return bench;
    }

    /// <summary>The client's voucher for <paramref name="amount"/> at log size <paramref name="logSize"/>, as the provider's meter accepts it.</summary>
    public SignedVoucher Voucher(BigInteger amount, ulong logSize)
    {
        var typed = new Oracle.Core.Eip712.Voucher { SessionId = SessionId, CumulativeAmount = amount, CumulativeBytes = logSize * 1000, LogSize = logSize, LogRoot = Root(logSize) };
        return new SignedVoucher
        {
            CumulativeAmount = amount.ToString(CultureInfo.InvariantCulture),
            CumulativeBytes = typed.CumulativeBytes,
            LogSize = logSize,
            LogRoot = typed.LogRoot,
            Signature = TypedDataSigner.Sign(typed, TypedDataDomain.SessionManager(Chain.ChainId, Contracts.SessionManager), Client),
        };
    }

    /// <summary>The provider's meter accepted <paramref name="voucher"/> (the spool keeps it).</summary>
    public void Accept(SignedVoucher voucher) => Spool.AttachVoucher(SessionId, voucher.LogSize, voucher);

    public ProviderSettlement Settlement(SettlementOptions? options = null, Func<ulong, bool>? isProviding = null, ITransactionSender? sender = null, RecordingTerminator? terminator = null)
        => new(Spool, new SettlementChain(sender ?? Sender, Contracts.SessionManager), options ?? new SettlementOptions { Threshold = "0", SettleBeforeExpiry = TimeSpan.Zero },
            isProviding ?? (_ => false), terminator, TimeProvider.System, NullLogger<ProviderSettlement>.Instance);

    /// <summary>Follows CloseStarted into the spool as the provider's gateway does (its cursor in this bench's folder).</summary>
    public async Task<ChainWatcher> WatcherAsync(ProviderSettlement settlement)
        => new ChainWatcher(Chain.ReadOnly, 0, 1000, "settlement", StartBlock, await SqliteChainCursorStore.OpenAsync(Path.Combine(_folder, "cursor.db")),
                new CloseStartedHandler(Spool, Provider.GetPublicAddress(), settlement.Wake))
            .Subscribe<CloseStartedEvent>(Contracts.SessionManager);

    /// <summary>Closes and opens the spool again, as a gateway restart does.</summary>
    public void ReopenSpool()
    {
        Spool.Dispose();
        Spool = EvidenceSpool.Open(SpoolPath);
    }

    public Task<BigInteger> BalanceAsync(string address) => new VpnTokenService(Chain.ReadOnly, Contracts.TokenAddress).BalanceOfQueryAsync(address);

    public async Task<SessionState> StateAsync() => (await new SessionManagerService(Chain.ReadOnly, Contracts.SessionManager).SessionStateQueryAsync(SessionId)).State;

    public async Task<SessionRecord> RecordAsync()
        => (await new SessionReader(Chain.ReadOnly, Contracts.SessionManager).FindAsync(SessionId))!.Value.Record;

    /// <summary>The client, with its own key, redeems <paramref name="voucher"/> (anyone may) — say an old one.</summary>
    public async Task ClientSettlesAsync(SignedVoucher voucher)
    {
        var record = await RecordAsync();
        var web3 = await Chain.ConnectAsync(Client);
        var typed = voucher.ToVoucher(SessionId);
        await new SessionManagerService(web3, Contracts.SessionManager).SettleVoucherAsync(SessionId, record.Terms, new Oracle.Chain.Contracts.Voucher
        {
            SessionId = SessionId,
            CumulativeAmount = typed.CumulativeAmount,
            CumulativeBytes = typed.CumulativeBytes,
            LogSize = typed.LogSize,
            LogRoot = typed.LogRoot,
        }, voucher.Signature.HexToByteArray());
    }

    /// <summary>The client starts a unilateral close with its own key.</summary>
    public async Task ClientStartsCloseAsync()
    {
        var web3 = await Chain.ConnectAsync(Client);
        await new SessionManagerService(web3, Contracts.SessionManager).StartCloseAsync(SessionId, (await RecordAsync()).Terms);
    }

    public void Dispose()
    {
        Spool.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static byte[] Root(ulong logSize)
    {
        var root = new byte[32];
        BitConverter.TryWriteBytes(root, logSize);
        return root;
    }
}
