using System.Numerics;
using System.Security.Cryptography;
using Nethereum.Signer;
using Oracle.Core.Eip712;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;
using Oracle.Core.Policy;

namespace Oracle.Testing;

/// <summary>
/// One session's evidence as the provider's gateway publishes it (docs/protocol.md §5.4, §5.5): real flow records (of
/// 198.18.0.0/15 test traffic) in a growing RFC 9162 log, published as leaf hashes plus the records sealed under the
/// session's evidence key, with the compact range of the log before each batch, checkpoints signed by the gateway's key
/// and vouchers by the client's. The one signed-batch builder of the test projects: the collector's tests publish its
/// batches, the gateway's tests spool them.
/// </summary>
/// <param name="chainId">The chain the session is on.</param>
/// <param name="sessionManager">The SessionManager's address (the EIP-712 domain's verifying contract).</param>
/// <param name="sessionId">The session.</param>
/// <param name="gateway">The provider's gateway key (signs checkpoints).</param>
/// <param name="client">The client's key (signs vouchers).</param>
/// <param name="pricePerMiB">The session's price, for the vouchers' amounts (default 10^15 base units per MiB).</param>
public sealed class SessionEvidence(ulong chainId, string sessionManager, ulong sessionId, EthECKey gateway, EthECKey client, BigInteger? pricePerMiB = null)
{
    private readonly BigInteger _pricePerMiB = pricePerMiB ?? BigInteger.Pow(10, 15);
    private readonly MerkleTree _tree = new();
    private readonly Random _random = new((int)(sessionId % int.MaxValue));
    private ulong _octets;
    private ulong _epoch = 1_800_000_000;

    /// <summary>The session.</summary>
    public ulong SessionId { get; } = sessionId;

    /// <summary>The provider's gateway key.</summary>
    public EthECKey Gateway { get; } = gateway;

    /// <summary>The client's key.</summary>
    public EthECKey Client { get; } = client;

    /// <summary>The EIP-712 domain the checkpoints and vouchers are signed in.</summary>
    public TypedDataDomain Domain { get; } = TypedDataDomain.SessionManager(chainId, sessionManager);

    /// <summary>The payload octets of every record so far (what the latest voucher pays for).</summary>
    public ulong CumulativeOctets => _octets;

    /// <summary>The session's evidence key (the parties have it; the collector never does).</summary>
    public byte[] EvidenceKey { get; } = RecordSealer.NewKey();

    /// <summary>Every record published so far (plain, as only the parties see them), in leaf order.</summary>
    public List<byte[]> Records { get; } = [];

    /// <summary>Every record published so far as the collector receives and stores it (sealed), in leaf order.</summary>
    public List<byte[]> SealedRecords { get; } = [];

    /// <summary>The log's size.</summary>
    public ulong TreeSize => _tree.Size;

    /// <summary>The log's root.</summary>
    public byte[] Root() => _tree.Root();

    /// <summary>The next batch: <paramref name="records"/> new records, the checkpoint and (unless <paramref name="voucher"/> is false) the voucher.</summary>
    public EvidenceBatch Next(int records, bool voucher = true)
    {
        var first = _tree.Size;
        var encoded = new List<byte[]>();
        for (var i = 0; i < records; i++)
        {
            var octets = (ulong)_random.Next(1000, 100_000);
            var start = 1_800_000_000_000L + (long)(first + (ulong)i);
            var record = new FlowRecord(SessionId, FlowVerdict.Allowed, 0, TrafficDirection.Outbound, 4, 6, 0x1b, FlowEndReason.EndOfFlow,
                IpNumber.MapIPv4(0xC6120002), IpNumber.MapIPv4(0xC6130000 | (uint)_random.Next(1, 250)), (ushort)_random.Next(1024, 65535), 443,
                start, start + 500, 10, octets, octets - 400);
            var bytes = FlowRecordEncoding.Encode(record);
            _tree.Append(bytes);
            encoded.Add(bytes);
            Records.Add(bytes);
            SealedRecords.Add(Seal(first + (ulong)i, bytes));
            _octets += octets;
        }

        return Sign(first, encoded, voucher);
    }

    /// <summary>
    /// A batch with the (plain) <paramref name="records"/> at <paramref name="first"/>, sealed, after the compact range
    /// of this session's first <paramref name="first"/> records, checkpoint and voucher signed over
    /// <paramref name="root"/> and <paramref name="treeSize"/> (for forgeries).
    /// </summary>
    public EvidenceBatch Signed(ulong first, IReadOnlyList<byte[]> records, ulong treeSize, byte[] root, EthECKey? gatewayKey = null, EthECKey? clientKey = null, ulong? epochTime = null)
    {
        var g = gatewayKey ?? Gateway;
        var c = clientKey ?? Client;
        var checkpoint = new Checkpoint { SessionId = SessionId, TreeSize = treeSize, Root = root, EpochTime = epochTime ?? ++_epoch, CaptureDrops = 0 };
        var v = new Voucher { SessionId = SessionId, CumulativeAmount = VoucherPricing.AmountFor(_octets, _pricePerMiB), CumulativeBytes = _octets, LogSize = treeSize, LogRoot = root };
        return new EvidenceBatch
        {
            BatchId = EvidenceBatchId.For((ulong)Domain.ChainId, Domain.VerifyingContract, SessionId, treeSize),
            ChainId = (ulong)Domain.ChainId,
            SessionManager = Domain.VerifyingContract,
            SessionId = SessionId,
            Gateway = g.GetPublicAddress(),
            Client = c.GetPublicAddress(),
            FirstLeafIndex = first,
            CompactRange = first <= _tree.Size ? _tree.CompactRange(first).Hashes : [],
            LeafHashes = [.. records.Select(r => MerkleHash.Leaf(r))],
            SealedRecords = [.. records.Select((r, i) => Seal(first + (ulong)i, r))],
            Checkpoint = new SignedCheckpoint
            {
                TreeSize = treeSize,
                Root = root,
                EpochTime = checkpoint.EpochTime,
                CaptureDrops = 0,
                Signature = TypedDataSigner.Sign(checkpoint, Domain, g),
            },
            Voucher = SignedVoucher.From(v, TypedDataSigner.Sign(v, Domain, c)),
        };
    }

    /// <summary>A content hash of stored records, to compare with what a store holds.</summary>
    public static string Hash(IEnumerable<byte[]> records)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var record in records)
        {
            sha.AppendData(record);
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private byte[] Seal(ulong leafIndex, byte[] record)
    {
        using var sealer = new RecordSealer(EvidenceKey, (ulong)Domain.ChainId, Domain.VerifyingContract, SessionId);
        return sealer.Seal(leafIndex, record);
    }

    private EvidenceBatch Sign(ulong first, List<byte[]> records, bool voucher)
    {
        var batch = Signed(first, records, _tree.Size, _tree.Root());
        return voucher ? batch : batch with { Voucher = null };
    }
}
