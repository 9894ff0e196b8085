using Oracle.Core.Evidence;
using VpnGateway.Metering.Spool;

namespace VpnGateway.Tests.Metering.Support;

/// <summary>Reading published batches as a party (or an oracle given the key) does: each sealed record opened against its leaf hash.</summary>
internal static class SealedEvidence
{
    /// <summary>The batch's records, opened with the session's evidence key; fails the test if one does not open.</summary>
    public static IReadOnlyList<byte[]> OpenRecords(this EvidenceBatch batch, byte[] key)
    {
        using var sealer = new RecordSealer(key, batch.ChainId, batch.SessionManager, batch.SessionId);
        var records = new List<byte[]>(batch.SealedRecords.Count);
        for (var i = 0; i < batch.SealedRecords.Count; i++)
        {
            var opened = sealer.Open(batch.FirstLeafIndex + (ulong)i, batch.LeafHashes[i], batch.SealedRecords[i]);
            Assert.True(opened.IsOpened, $"leaf {batch.FirstLeafIndex + (ulong)i}: {opened.Detail}");
            records.Add(opened.Encoded!);
        }

        return records;
    }

    /// <summary>The batch's records, opened with the session's key held in <paramref name="spool"/> (the provider's or the client's).</summary>
    public static IReadOnlyList<byte[]> OpenRecords(this EvidenceBatch batch, EvidenceSpool spool)
        => batch.OpenRecords(spool.EvidenceKey(batch.SessionId)?.Key ?? throw new InvalidOperationException($"no evidence key for session {batch.SessionId}"));

    /// <summary>The session's evidence key held in the spool file at <paramref name="path"/>.</summary>
    public static byte[] KeyIn(string path, ulong sessionId)
    {
        using var spool = EvidenceSpool.Open(path);
        return spool.EvidenceKey(sessionId)?.Key ?? throw new InvalidOperationException($"no evidence key for session {sessionId} in {path}");
    }
}
