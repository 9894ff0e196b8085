namespace Arbitration.Api.Apis.Models;

/// <summary>How far the read model has followed the chain: its answers are as of this block.</summary>
/// <param name="Block">The last block applied.</param>
/// <param name="Time">Its timestamp (Unix seconds): phases and pauses are judged against this clock.</param>
public sealed record ChainPosition(long Block, long Time);
