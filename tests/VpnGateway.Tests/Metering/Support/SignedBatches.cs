using System.Security.Cryptography;
using Oracle.Chain.Keys;
using Oracle.Core.Eip712;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;
using Oracle.Core.Policy;
using VpnGateway.Metering.Spool;

namespace VpnGateway.Tests.Metering.Support;

/// <summary>A session's evidence as the provider's gateway spools it: real records, real signatures, growing log.</summary>
internal sealed class SignedBatches(ulong sessionId)
{
    private readonly MerkleTree _tree = new();
    private readonly Random _random = new((int)sessionId);
    private ulong _octets;

    public ulong SessionId { get; } = sessionId;

    /// <summary>The content hash of every batch made so far, by batch id.</summary>
    public Dictionary<Guid, string> Hashes { get; } = [];

    /// <summary>The evidence key the batches are sealed with.</summary>
    public byte[] Key { get; } = RecordSealer.NewKey();

    /// <summary>A content hash a consumer can recompute: leaf hashes, sealed records, checkpoint and voucher, with their signatures.</summary>
    public static string Hash(EvidenceBatch batch)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var leafHash in batch.LeafHashes)
        {
            sha.AppendData(leafHash);
        }

        foreach (var sealedRecord in batch.SealedRecords)
        {
            sha.AppendData(sealedRecord);
        }

        sha.AppendData(batch.Checkpoint.Root);
        sha.AppendData(System.Text.Encoding.ASCII.GetBytes($"{batch.FirstLeafIndex}|{batch.Checkpoint.TreeSize}|{batch.Checkpoint.Signature}|{batch.Voucher?.Signature}"));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>Appends <paramref name="records"/> records, signs the checkpoint and the voucher, and spools the batch.</summary>
    /// <param name="tamper">Changes the signed batch before it is spooled (a forgery the consumer must reject).</param>
    public EvidenceBatch AddTo(EvidenceSpool spool, int records, long publishAfterMs = 0, Func<EvidenceBatch, EvidenceBatch>? tamper = null)
    {
        var first = _tree.Size;
        var range = _tree.CompactRange(first).Hashes;
        var encoded = new List<byte[]>();
        var hashes = new byte[records * MerkleHash.Size];
        for (var i = 0; i < records; i++)
        {
            var octets = (ulong)_random.Next(1000, 100_000);
            var record = new FlowRecord(SessionId, FlowVerdict.Allowed, 0, TrafficDirection.Outbound, 4, 17, 0, FlowEndReason.IdleTimeout,
                IpNumber.MapIPv4(0xC6120002), IpNumber.MapIPv4(0xC6130001), (ushort)_random.Next(1024, 65535), 53,
                1_700_000_000_000 + (long)first, 1_700_000_000_500 + (long)first, 10, octets, octets - 280);
            var bytes = FlowRecordEncoding.Encode(record);
            MerkleHash.Leaf(bytes, hashes.AsSpan(i * MerkleHash.Size, MerkleHash.Size));
            _tree.AppendLeafHash(hashes.AsSpan(i * MerkleHash.Size, MerkleHash.Size));
            encoded.Add(bytes);
            _octets += octets;
        }

        using var sealer = new RecordSealer(Key, MeteringHarness.ChainId, MeteringHarness.SessionManager, SessionId);
        var checkpoint = new Checkpoint { SessionId = SessionId, TreeSize = _tree.Size, Root = _tree.Root(), EpochTime = 1_700_000_000 + _tree.Size, CaptureDrops = 0 };
        var voucher = new Voucher { SessionId = SessionId, CumulativeAmount = VoucherPricing.AmountFor(_octets, MeteringHarness.PricePerMiB), CumulativeBytes = _octets, LogSize = _tree.Size, LogRoot = _tree.Root() };
        var batch = new EvidenceBatch
        {
            BatchId = EvidenceBatchId.For(MeteringHarness.ChainId, MeteringHarness.SessionManager, SessionId, _tree.Size),
            ChainId = MeteringHarness.ChainId,
            SessionManager = MeteringHarness.SessionManager,
            SessionId = SessionId,
            Gateway = MeteringHarness.GatewayKey.GetPublicAddress(),
            Client = MeteringHarness.ClientKey.GetPublicAddress(),
            FirstLeafIndex = first,
            CompactRange = range,
            LeafHashes = [.. Enumerable.Range(0, records).Select(i => hashes.AsSpan(i * MerkleHash.Size, MerkleHash.Size).ToArray())],
            SealedRecords = [.. encoded.Select((record, i) => sealer.Seal(first + (ulong)i, record))],
            Checkpoint = new SignedCheckpoint
            {
                TreeSize = checkpoint.TreeSize,
                Root = checkpoint.Root,
                EpochTime = checkpoint.EpochTime,
                CaptureDrops = 0,
                Signature = TypedDataSigner.Sign(checkpoint, MeteringHarness.Domain, MeteringHarness.GatewayKey),
            },
            Voucher = SignedVoucher.From(voucher, TypedDataSigner.Sign(voucher, MeteringHarness.Domain, MeteringHarness.ClientKey)),
        };
        batch = tamper?.Invoke(batch) ?? batch;
        spool.AddCheckpoint(batch, encoded, (ulong)Hashes.Count + 1, _octets, publishAfterMs);
        Hashes[batch.BatchId] = Hash(batch);
        return batch;
    }

    /// <summary>A session id no other test run uses on a shared broker.</summary>
    public static ulong UniqueSessionId() => BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) >> 1;
}
