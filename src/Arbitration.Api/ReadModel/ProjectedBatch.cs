namespace Arbitration.Api.ReadModel;

/// <summary>The events of blocks <paramref name="FromBlock"/>..<paramref name="ToBlock"/> in block and log order.</summary>
/// <param name="FromBlock">The first block covered.</param>
/// <param name="ToBlock">The last block covered.</param>
/// <param name="ToBlockHash">The last block's hash.</param>
/// <param name="Events">The events (possibly none).</param>
internal sealed record ProjectedBatch(ulong FromBlock, ulong ToBlock, string ToBlockHash, IReadOnlyList<ProjectedEvent> Events);
