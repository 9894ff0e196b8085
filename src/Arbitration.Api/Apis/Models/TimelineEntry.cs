using System.Text.Json.Nodes;

namespace Arbitration.Api.Apis.Models;

/// <summary>One contract event in a timeline, with its decoded fields.</summary>
public sealed record TimelineEntry(long Block, long Time, string TransactionHash, string Event, JsonObject Data);
