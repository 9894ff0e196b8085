using System.Text.Json.Nodes;

namespace OracleNode.Tests.Support;

/// <summary>One node of a <see cref="NodeCluster"/>: its stake, whether it plays dishonest, and any setting of its own.</summary>
internal sealed record NodeSpec(string Name, long Stake, bool Dishonest = false, Action<JsonObject>? Adjust = null);
