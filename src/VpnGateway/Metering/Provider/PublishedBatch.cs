using Oracle.Core.Evidence;
using Oracle.Core.Merkle;

namespace VpnGateway.Metering.Provider;

/// <summary>The batch a checkpoint is published as (docs/protocol.md §5.4, §5.5): leaf hashes and records sealed under the session's key.</summary>
internal static class PublishedBatch
{
    public static EvidenceBatch Of(ClosedCheckpoint closed, SignedCheckpoint signed, RecordSealer sealer, ulong chainId, string sessionManager, string gateway, string? client)
    {
        ArgumentNullException.ThrowIfNull(closed);
        ArgumentNullException.ThrowIfNull(sealer);
        var leafHashes = new byte[closed.Records.Count][];
        var sealedRecords = new byte[closed.Records.Count][];
        for (var i = 0; i < closed.Records.Count; i++)
        {
            leafHashes[i] = closed.LeafHashes.AsSpan(i * MerkleHash.Size, MerkleHash.Size).ToArray();
            sealedRecords[i] = new byte[RecordSealer.SealedSize];
            sealer.Seal(closed.FirstLeafIndex + (ulong)i, closed.Records[i], leafHashes[i], sealedRecords[i]);
        }

        return new EvidenceBatch
        {
            BatchId = EvidenceBatchId.For(chainId, sessionManager, closed.Checkpoint.SessionId, signed.TreeSize),
            ChainId = chainId,
            SessionManager = sessionManager,
            SessionId = closed.Checkpoint.SessionId,
            Gateway = gateway,
            Client = client,
            FirstLeafIndex = closed.FirstLeafIndex,
            CompactRange = closed.CompactRange,
            LeafHashes = leafHashes,
            SealedRecords = sealedRecords,
            Checkpoint = signed,
        };
    }
}
