using Oracle.Core.Eip712;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;
using VpnGateway.Metering.Spool;

namespace VpnGateway.Metering.Provider;

/// <summary>
/// A session's evidence log on the provider's side: an RFC 9162 tree whose leaves are encoded flow records, and the
/// checkpoints made of it (tree size, allowed octets). Appending encodes each record once; a record that breaks the
/// encoding's rules is left out and reported, never signed.
/// </summary>
internal sealed class SessionEvidenceLog
{
    private readonly MerkleTree _tree = new();
    private readonly List<(ulong TreeSize, ulong AllowedOctets)> _checkpoints = [];

    public SessionEvidenceLog(ulong sessionId, SessionLogSnapshot? snapshot = null)
    {
        SessionId = sessionId;
        if (snapshot is null)
        {
            return;
        }

        for (var at = 0; at < snapshot.LeafHashes.Length; at += MerkleHash.Size)
        {
            _tree.AppendLeafHash(snapshot.LeafHashes.AsSpan(at, MerkleHash.Size));
        }

        _checkpoints.AddRange(snapshot.Checkpoints);
        Sequence = snapshot.LastSequence;
        LastEpochTime = snapshot.LastEpochTime;
        AllowedOctets = _checkpoints.Count == 0 ? 0 : _checkpoints[^1].AllowedOctets;
    }

    public ulong SessionId { get; }

    /// <summary>The number of the last checkpoint (0: none yet).</summary>
    public ulong Sequence { get; private set; }

    public ulong TreeSize => _tree.Size;

    public ulong LastEpochTime { get; private set; }

    /// <summary>Octets of allowed records in the log (denied packets were not carried and are not paid for).</summary>
    public ulong AllowedOctets { get; private set; }

    public byte[] Root(ulong size) => _tree.Root(size);

    /// <summary>The tree size of checkpoint <paramref name="sequence"/>, and the allowed octets then.</summary>
    public bool TryGetCheckpoint(ulong sequence, out ulong treeSize, out ulong allowedOctets)
    {
        if (sequence == 0 || sequence > (ulong)_checkpoints.Count)
        {
            (treeSize, allowedOctets) = (0, 0);
            return false;
        }

        (treeSize, allowedOctets) = _checkpoints[(int)(sequence - 1)];
        return true;
    }

    /// <summary>
    /// Appends <paramref name="count"/> records from <paramref name="start"/> and closes a checkpoint of the log after them.
    /// </summary>
    /// <returns>The checkpoint, or null when no record could be appended.</returns>
    public ClosedCheckpoint? Append(List<FlowRecord> records, int start, int count, ulong epochTime, ulong captureDrops, Action<FlowRecord, string> rejected)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(rejected);
        var first = _tree.Size;
        var before = _tree.CompactRange(first);
        var encoded = new List<byte[]>(count);
        var hashes = new byte[count * MerkleHash.Size];
        var allowed = AllowedOctets;
        for (var i = start; i < start + count; i++)
        {
            var record = records[i];
            var bytes = new byte[FlowRecordEncoding.Size];
            if (record.SessionId != SessionId)
            {
                rejected(record, "OtherSession");
                continue;
            }

            var error = FlowRecordEncoding.TryEncode(record, bytes);
            if (error != FlowRecordError.None)
            {
                rejected(record, error.ToString());
                continue;
            }

            var hash = hashes.AsSpan(encoded.Count * MerkleHash.Size, MerkleHash.Size);
            MerkleHash.Leaf(bytes, hash);
            _tree.AppendLeafHash(hash);
            encoded.Add(bytes);
            if (record.Verdict == FlowVerdict.Allowed)
            {
                allowed += record.Octets;
            }
        }

        if (encoded.Count == 0)
        {
            return null;
        }

        Sequence++;
        AllowedOctets = allowed;
        LastEpochTime = Math.Max(LastEpochTime, epochTime);
        _checkpoints.Add((_tree.Size, allowed));
        var checkpoint = new Checkpoint
        {
            SessionId = SessionId,
            TreeSize = _tree.Size,
            Root = _tree.Root(),
            EpochTime = LastEpochTime,
            CaptureDrops = captureDrops,
        };
        return new ClosedCheckpoint(Sequence, first, before.Hashes, encoded, hashes.AsSpan(0, encoded.Count * MerkleHash.Size).ToArray(), checkpoint, allowed);
    }
}
