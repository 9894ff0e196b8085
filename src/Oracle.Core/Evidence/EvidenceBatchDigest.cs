using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Oracle.Core.Evidence;

/// <summary>
/// A content digest of an <see cref="EvidenceBatch"/>: SHA-256 over every field in a fixed order (lengths prefixed,
/// addresses lower-case, the voucher and the rejection marked present or absent). Two deliveries of one publication have
/// the same digest; two batches with the same id but different content (another voucher, records or signature) do not.
/// </summary>
public static class EvidenceBatchDigest
{
    private static readonly byte[] Label = Encoding.ASCII.GetBytes("oracle evidence batch digest v2");

    /// <summary>The 32-byte digest of <paramref name="batch"/>.</summary>
    public static byte[] Compute(EvidenceBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Label);
        sha.AppendData(batch.BatchId.ToByteArray(bigEndian: true));
        Number(sha, batch.ChainId);
        Text(sha, batch.SessionManager?.ToLowerInvariant());
        Number(sha, batch.SessionId);
        Text(sha, batch.Gateway?.ToLowerInvariant());
        Text(sha, batch.Client?.ToLowerInvariant());
        Number(sha, batch.FirstLeafIndex);
        var range = batch.CompactRange ?? [];
        Number(sha, (ulong)range.Count);
        foreach (var hash in range)
        {
            Bytes(sha, hash);
        }

        var leafHashes = batch.LeafHashes ?? [];
        Number(sha, (ulong)leafHashes.Count);
        foreach (var hash in leafHashes)
        {
            Bytes(sha, hash);
        }

        var sealedRecords = batch.SealedRecords ?? [];
        Number(sha, (ulong)sealedRecords.Count);
        foreach (var sealedRecord in sealedRecords)
        {
            Bytes(sha, sealedRecord);
        }

        var checkpoint = batch.Checkpoint;
        Number(sha, checkpoint?.TreeSize ?? 0);
        Bytes(sha, checkpoint?.Root);
        Number(sha, checkpoint?.EpochTime ?? 0);
        Number(sha, checkpoint?.CaptureDrops ?? 0);
        Text(sha, checkpoint?.Signature?.ToLowerInvariant());
        if (batch.Voucher is { } voucher)
        {
            sha.AppendData([1]);
            Text(sha, voucher.CumulativeAmount);
            Number(sha, voucher.CumulativeBytes);
            Number(sha, voucher.LogSize);
            Bytes(sha, voucher.LogRoot);
            Text(sha, voucher.Signature?.ToLowerInvariant());
        }
        else
        {
            sha.AppendData([0]);
        }

        if (batch.Rejection is { } rejection)
        {
            sha.AppendData([1]);
            Number(sha, (ulong)rejection.Reason);
            Text(sha, rejection.Detail);
        }
        else
        {
            sha.AppendData([0]);
        }

        return sha.GetHashAndReset();
    }

    private static void Number(IncrementalHash sha, ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        sha.AppendData(bytes);
    }

    private static void Bytes(IncrementalHash sha, byte[]? value)
    {
        if (value is null)
        {
            Number(sha, ulong.MaxValue);
            return;
        }

        Number(sha, (ulong)value.Length);
        sha.AppendData(value);
    }

    private static void Text(IncrementalHash sha, string? value) => Bytes(sha, value is null ? null : Encoding.UTF8.GetBytes(value));
}
