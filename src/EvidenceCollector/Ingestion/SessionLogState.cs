using Oracle.Core.Merkle;

namespace EvidenceCollector.Ingestion;

/// <summary>A session's log as a group being stored has it so far (<see cref="EvidenceStore"/>).</summary>
internal sealed class SessionLogState(long key, CompactRange range, byte[] root, ulong lastEpochTime)
{
    /// <summary>The session (its database key).</summary>
    public long Key { get; } = key;

    /// <summary>The log's compact range.</summary>
    public CompactRange Range { get; set; } = range;

    /// <summary>The log's root.</summary>
    public byte[] Root { get; set; } = root;

    /// <summary>The latest checkpoint's epoch time.</summary>
    public ulong LastEpochTime { get; set; } = lastEpochTime;

    /// <summary>Batches the group stored for it.</summary>
    public int Batches { get; set; }
}
