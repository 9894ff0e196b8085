using System.Security.Cryptography;
using Oracle.Core.Evidence;
using Oracle.Testing;
using VpnGateway.Metering.Spool;

namespace VpnGateway.Tests.Metering.Support;

/// <summary>A session's evidence as the provider's gateway spools it: real records, real signatures, growing log.</summary>
internal sealed class SignedBatches(ulong sessionId)
{
    // The shared signed-batch builder, signing as the metering harness's gateway and client.
    private readonly SessionEvidence _evidence = new(MeteringHarness.ChainId, MeteringHarness.SessionManager, sessionId,
        MeteringHarness.GatewayKey, MeteringHarness.ClientKey, MeteringHarness.PricePerMiB);

    public ulong SessionId { get; } = sessionId;

    /// <summary>The content hash of every batch made so far, by batch id.</summary>
    public Dictionary<Guid, string> Hashes { get; } = [];

    /// <summary>The evidence key the batches are sealed with.</summary>
    public byte[] Key => _evidence.EvidenceKey;

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
        var first = (int)_evidence.TreeSize;
        var batch = _evidence.Next(records);
        batch = tamper?.Invoke(batch) ?? batch;
        spool.AddCheckpoint(batch, _evidence.Records.GetRange(first, records), (ulong)Hashes.Count + 1, _evidence.CumulativeOctets, publishAfterMs);
        Hashes[batch.BatchId] = Hash(batch);
        return batch;
    }

    /// <summary>A session id no other test run uses on a shared broker.</summary>
    public static ulong UniqueSessionId() => BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) >> 1;
}
