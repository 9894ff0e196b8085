namespace Oracle.Chain.Events;

/// <summary>
/// Where a watcher is: the next block to read, and the blocks it remembers (ascending, at most
/// <see cref="ChainWatcherOptions.RememberedBlocks"/>) to notice a reorganization and find the fork point.
/// </summary>
/// <param name="NextBlock">The first block not processed yet.</param>
/// <param name="Blocks">Remembered blocks below <paramref name="NextBlock"/>, ascending by number.</param>
public sealed record ChainCursor(ulong NextBlock, IReadOnlyList<RememberedBlock> Blocks)
{
    /// <summary>Whether <paramref name="other"/> is the same position with the same remembered blocks.</summary>
    public bool SameAs(ChainCursor? other)
        => other is not null && other.NextBlock == NextBlock && other.Blocks.SequenceEqual(Blocks);
}
