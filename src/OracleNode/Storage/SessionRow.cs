using Oracle.Chain.Contracts;
using OracleNode.Watching;

namespace OracleNode.Storage;

/// <summary>A session's fixed terms (<c>SessionOpened</c>).</summary>
internal sealed class SessionRow
{
    public long SessionId { get; init; }

    public string Client { get; init; } = "";

    public string Provider { get; init; } = "";

    /// <summary>The ABI encoding of the <see cref="Session"/> struct (0x-hex).</summary>
    public string Terms { get; init; } = "";

    /// <summary>The named panel, comma-separated (empty for a drawn committee).</summary>
    public string Panel { get; init; } = "";

    public long Block { get; init; }

    /// <summary>The terms, decoded.</summary>
    public Session Decode() => DisputeRecords.DecodeSession(Terms);
}
