namespace OracleNode.Hosting;

/// <summary>The node's own rhythm (section <c>Node</c>).</summary>
internal sealed class NodeOptions
{
    public const string Section = "Node";

    /// <summary>How often the node looks at its disputes' phases and acts.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Disputes worked on at once (each may be waiting for a transaction).</summary>
    public int Parallelism { get; set; } = 8;
}
