namespace Oracle.Chain.Events;

/// <summary>
/// The watched events of blocks <see cref="FromBlock"/>..<see cref="ToBlock"/>, in block and log order (possibly
/// none: the handler still learns that the blocks passed).
/// </summary>
/// <param name="FromBlock">The first block covered.</param>
/// <param name="ToBlock">The last block covered (inclusive).</param>
/// <param name="ToBlockHash">The hash of <paramref name="ToBlock"/> when it was read.</param>
/// <param name="Head">The chain's head when the range was read (<paramref name="ToBlock"/> is at least the configured confirmations below it).</param>
/// <param name="Events">The events, ordered by block number then log index.</param>
public sealed record ChainEventBatch(ulong FromBlock, ulong ToBlock, string ToBlockHash, ulong Head, IReadOnlyList<ChainEvent> Events);
