namespace Oracle.Chain.Events;

/// <summary>A block a watcher processed, by number and hash: if the chain's hash at that number changes, a reorganization replaced it.</summary>
/// <param name="Number">The block number.</param>
/// <param name="Hash">Its hash as processed (0x-prefixed, lower case).</param>
public readonly record struct RememberedBlock(ulong Number, string Hash);
