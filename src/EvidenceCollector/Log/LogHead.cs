using Oracle.Core.Merkle;

namespace EvidenceCollector.Log;

/// <summary>The global log's head as the <c>log_head</c> row holds it.</summary>
/// <param name="TreeSize">Leaves in the log.</param>
/// <param name="Root">Its root.</param>
/// <param name="Range">Its compact range (what the next append continues).</param>
/// <param name="Checkpoint">The signed C2SP checkpoint note of this head.</param>
internal sealed record LogHead(ulong TreeSize, byte[] Root, CompactRange Range, string Checkpoint)
{
    /// <summary>The head as a tree head.</summary>
    public TreeHead Head => new(TreeSize, Root);
}
