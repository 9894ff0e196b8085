using System.Numerics;
using Nethereum.Hex.HexConvertors.Extensions;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Deployment;
using Oracle.Core.Eip712;
using CoreTypes = Oracle.Core.Eip712;
using Voucher = Oracle.Chain.Contracts.Voucher;

namespace Oracle.Contracts.Tests.Support;

/// <summary>Opens sessions and signs vouchers and checkpoints the way clients and gateways do.</summary>
internal static class Sessions
{
    public static readonly BigInteger DefaultDeposit = Vpn.Tokens(100);

    public static OpenParams Params(TestNetwork network, Actor provider, BigInteger? deposit = null, BigInteger? penalty = null, byte committee = 5, List<string>? panel = null)
    {
        var info = TestNetwork.ProviderInfo();
        return new OpenParams
        {
            Provider = provider.Address,
            Deposit = deposit ?? DefaultDeposit,
            PricePerMiB = info.PricePerMiB,
            PolicyHash = info.PolicyHash,
            Penalty = penalty ?? Vpn.Tokens(40),
            CommitteeSize = committee,
            Panel = panel ?? [],
        };
    }

    /// <summary>
    /// Opens a session judged by <paramref name="p"/>'s panel: the provider signs the panel acceptance (the client's own
    /// acceptance is the transaction), then the client opens with it.
    /// </summary>
    public static async Task<(ulong Id, Session Session)> OpenWithPanelAsync(TestNetwork network, Actor client, Actor provider, OpenParams p)
    {
        var deadline = await network.Chain.LatestTimestampAsync() + 600;
        var signature = SignPanelAcceptance(network, provider, client.Address, p, deadline);
        await TestNetwork.ApproveAsync(client, network.AddressOf(ContractNames.SessionManager), p.Deposit);
        var receipt = await client.Sessions.OpenSessionWithPanelAsync(p, deadline, signature);
        var opened = TestNetwork.Event<SessionOpenedEvent>(receipt);
        return (opened.SessionId, FromEvent(opened));
    }

    /// <summary>The provider's EIP-712 signature of the panel acceptance for <paramref name="client"/> and <paramref name="p"/>.</summary>
    public static byte[] SignPanelAcceptance(TestNetwork network, Actor provider, string client, OpenParams p, ulong deadline)
    {
        var acceptance = new CoreTypes.PanelAcceptance
        {
            Client = client,
            Penalty = p.Penalty,
            CommitteeSize = p.CommitteeSize,
            PanelHash = PanelHash(p.Panel),
            Deadline = deadline,
        };
        return TypedDataSigner.Sign(acceptance, Domain(network), provider.Key).HexToByteArray();
    }

    /// <summary><c>keccak256(abi.encodePacked(panel))</c>: 32 bytes per address, as Solidity packs an address array.</summary>
    public static byte[] PanelHash(IReadOnlyList<string> panel) => CoreTypes.PanelAcceptance.HashPanel(panel);

    /// <summary>Opens a session (approving the deposit first) and returns its id and terms.</summary>
    public static async Task<(ulong Id, Session Session)> OpenAsync(TestNetwork network, Actor client, OpenParams p)
    {
        await TestNetwork.ApproveAsync(client, network.AddressOf(ContractNames.SessionManager), p.Deposit);
        var receipt = await client.Sessions.OpenSessionAsync(p);
        var opened = TestNetwork.Event<SessionOpenedEvent>(receipt);
        return (opened.SessionId, FromEvent(opened));
    }

    public static Session FromEvent(SessionOpenedEvent e) => new()
    {
        Client = e.Client,
        Provider = e.Provider,
        Deposit = e.Deposit,
        PricePerMiB = e.PricePerMiB,
        Penalty = e.Penalty,
        CommitteeSize = e.CommitteeSize,
        OpenedAt = e.OpenedAt,
        PolicyHash = e.PolicyHash,
        PanelHash = e.PanelHash,
    };

    public static TypedDataDomain Domain(TestNetwork network, string? contract = null, BigInteger? chainId = null)
        => TypedDataDomain.SessionManager(chainId ?? network.Chain.ChainId, contract ?? network.AddressOf(ContractNames.SessionManager));

    public static (Voucher Voucher, byte[] Signature) SignVoucher(TestNetwork network, Actor signer, ulong sessionId, BigInteger amount, ulong bytes = 1 << 20, ulong logSize = 0, byte[]? logRoot = null, TypedDataDomain? domain = null)
    {
        var core = new CoreTypes.Voucher { SessionId = sessionId, CumulativeAmount = amount, CumulativeBytes = bytes, LogSize = logSize, LogRoot = logRoot ?? new byte[32] };
        var signature = TypedDataSigner.Sign(core, domain ?? Domain(network), signer.Key).HexToByteArray();
        return (ToBinding(core), signature);
    }

    public static Voucher ToBinding(CoreTypes.Voucher v) => new()
    {
        SessionId = v.SessionId,
        CumulativeAmount = v.CumulativeAmount,
        CumulativeBytes = v.CumulativeBytes,
        LogSize = v.LogSize,
        LogRoot = v.LogRoot,
    };

    public static Voucher NoVoucher(ulong sessionId) => new() { SessionId = sessionId, LogRoot = new byte[32] };
}
