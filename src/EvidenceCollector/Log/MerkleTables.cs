namespace EvidenceCollector.Log;

/// <summary>
/// Which stored tree a <see cref="PostgresMerkleNodeStore"/> reads: the global log (<c>log_leaves</c>,
/// <c>log_nodes</c>) or one session's log (<c>leaves</c>, <c>session_nodes</c> of that session).
/// </summary>
internal sealed record MerkleTables
{
    private MerkleTables(string leaves, string nodes, long? sessionId)
    {
        Leaves = leaves;
        Nodes = nodes;
        SessionId = sessionId;
    }

    /// <summary>The global log.</summary>
    public static MerkleTables Global { get; } = new("log_leaves", "log_nodes", null);

    /// <summary>The table of leaf hashes.</summary>
    public string Leaves { get; }

    /// <summary>The table of stored nodes (levels <see cref="PostgresMerkleNodeStore.StrideLevel"/> and up).</summary>
    public string Nodes { get; }

    /// <summary>The session (its database key), or null for the global log.</summary>
    public long? SessionId { get; }

    /// <summary>The log of session <paramref name="sessionId"/>.</summary>
    public static MerkleTables Session(ulong sessionId) => new("leaves", "session_nodes", DbIds.Session(sessionId));

    /// <summary>The SQL condition selecting this tree's rows (empty for the global log), with a leading AND.</summary>
    public string Scope(string alias) => SessionId is null ? "" : $" AND {alias}.session_id = @session";
}
