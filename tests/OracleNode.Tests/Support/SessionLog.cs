using System.Net;
using System.Numerics;
using Oracle.Chain.Contracts;
using Oracle.Core.Eip712;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;
using Oracle.Core.Policy;
using Oracle.Chain.Deployment;
using CoreVoucher = Oracle.Core.Eip712.Voucher;
using Voucher = Oracle.Chain.Contracts.Voucher;
using RecordProof = Oracle.Chain.Contracts.RecordProof;

namespace OracleNode.Tests.Support;

/// <summary>
/// A session's evidence log as the gateways build it (docs/protocol.md §5): flow records appended to an RFC 9162 tree,
/// checkpoints signed by the provider and vouchers signed by the client — so a test can make true and false claims.
/// </summary>
internal sealed class SessionLog(TestWorld world, ulong sessionId, Party client, Party provider)
{
    private readonly List<byte[]> _leaves = [];
    private readonly List<FlowRecord> _records = [];

    public ulong SessionId { get; } = sessionId;

    public MerkleTree Tree { get; } = new();

    public IReadOnlyList<byte[]> Leaves => _leaves;

    public IReadOnlyList<FlowRecord> Records => _records;

    public TypedDataDomain Domain => TypedDataDomain.SessionManager(world.Chain.ChainId, world.AddressOf(ContractNames.SessionManager));

    /// <summary>Appends a record; returns its leaf index.</summary>
    public ulong Add(FlowRecord record)
    {
        var leaf = FlowRecordEncoding.Encode(record);
        _leaves.Add(leaf);
        _records.Add(record);
        return Tree.Append(leaf);
    }

    /// <summary>A TCP flow from the client's tunnel address to <paramref name="remote"/>:<paramref name="port"/> (outbound) or back (inbound).</summary>
    public FlowRecord Flow(string remote, ushort port, FlowVerdict verdict, uint ruleId, TrafficDirection direction = TrafficDirection.Outbound, ulong octets = 100_000, byte protocol = 6)
    {
        var client = Oracle.Core.Policy.IpNumber.From(IPAddress.Parse("198.18.100.2"));
        var far = Oracle.Core.Policy.IpNumber.From(IPAddress.Parse(remote));
        var outbound = direction == TrafficDirection.Outbound;
        var packets = Math.Max(1UL, octets / 1000);
        return new FlowRecord(SessionId, verdict, verdict == FlowVerdict.Allowed ? 0 : ruleId, direction, 4, protocol, protocol == 6 ? (byte)0x12 : (byte)0,
            FlowEndReason.IdleTimeout, outbound ? client : far, outbound ? far : client, outbound ? (ushort)40000 : port, outbound ? port : (ushort)40000,
            1_700_000_000_000, 1_700_000_001_000, packets, Math.Max(octets, packets * 40), 0);
    }

    /// <summary>The provider's signed checkpoint of the log as it is now.</summary>
    public SignedCheckpoint Checkpoint(ulong epochTime = 1_700_000_010, Nethereum.Signer.EthECKey? signer = null)
    {
        var checkpoint = new Oracle.Core.Eip712.Checkpoint { SessionId = SessionId, TreeSize = Tree.Size, Root = Tree.Root(), EpochTime = epochTime, CaptureDrops = 0 };
        return new SignedCheckpoint
        {
            TreeSize = checkpoint.TreeSize,
            Root = checkpoint.Root,
            EpochTime = epochTime,
            CaptureDrops = 0,
            Signature = TypedDataSigner.Sign(checkpoint, Domain, signer ?? provider.Key),
        };
    }

    /// <summary>Octets of the allowed records.</summary>
    public ulong AllowedOctets => _records.Where(r => r.Verdict == FlowVerdict.Allowed).Aggregate(0UL, (s, r) => s + r.Octets);

    /// <summary>The client's voucher for the log as it is now, paying <paramref name="amount"/> (default: the price of the allowed octets).</summary>
    public (Voucher Binding, byte[] Signature, SignedVoucher Signed) Voucher(BigInteger? amount = null, ulong? bytes = null)
    {
        var paid = bytes ?? AllowedOctets;
        var voucher = new CoreVoucher
        {
            SessionId = SessionId,
            CumulativeAmount = amount ?? VoucherPricing.AmountFor(paid, TestWorld.PricePerMiB),
            CumulativeBytes = paid,
            LogSize = Tree.Size,
            LogRoot = Tree.Root(),
        };
        var signature = TypedDataSigner.Sign(voucher, Domain, client.Key);
        var binding = new Voucher { SessionId = voucher.SessionId, CumulativeAmount = voucher.CumulativeAmount, CumulativeBytes = voucher.CumulativeBytes, LogSize = voucher.LogSize, LogRoot = voucher.LogRoot };
        return (binding, Convert.FromHexString(signature[2..]), SignedVoucher.From(voucher, signature));
    }

    /// <summary>The on-chain record proof of leaf <paramref name="index"/> under the client's voucher of the log as it is now.</summary>
    public RecordProof Proof(ulong index)
    {
        var (voucher, signature, _) = Voucher();
        return new RecordProof
        {
            Leaf = _leaves[(int)index],
            LeafIndex = index,
            AuditPath = [.. Tree.InclusionProof(index, Tree.Size)],
            Voucher = voucher,
            Signature = signature,
        };
    }
}
