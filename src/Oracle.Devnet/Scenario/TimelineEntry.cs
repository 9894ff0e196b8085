namespace Oracle.Devnet.Scenario;

/// <summary>One event of the main job's timeline, as the chain recorded it.</summary>
/// <param name="Block">The block.</param>
/// <param name="Time">The block's time.</param>
/// <param name="Event">The contract event's name.</param>
/// <param name="Description">What happened, with the amounts, in words.</param>
public sealed record TimelineEntry(ulong Block, DateTimeOffset Time, string Event, string Description);
