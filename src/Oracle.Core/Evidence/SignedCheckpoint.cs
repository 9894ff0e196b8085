using Oracle.Core.Eip712;

namespace Oracle.Core.Evidence;

/// <summary>A <see cref="Checkpoint"/> (less the session id, which the batch carries) with the gateway's signature.</summary>
public sealed record SignedCheckpoint
{
    /// <summary>The number of leaves in the session's evidence log.</summary>
    public required ulong TreeSize { get; init; }

    /// <summary>The RFC 9162 root at that size (32 bytes).</summary>
    public required byte[] Root { get; init; }

    /// <summary>The end of the epoch, Unix seconds.</summary>
    public required ulong EpochTime { get; init; }

    /// <summary>Packets the gateway's capture lost since the session began.</summary>
    public required ulong CaptureDrops { get; init; }

    /// <summary>The gateway's EIP-712 signature (65 bytes, 0x-prefixed hex) under the SessionManager's domain.</summary>
    public required string Signature { get; init; }

    /// <summary>The typed message that was signed.</summary>
    public Checkpoint ToCheckpoint(ulong sessionId) => new()
    {
        SessionId = sessionId,
        TreeSize = TreeSize,
        Root = Root,
        EpochTime = EpochTime,
        CaptureDrops = CaptureDrops,
    };
}
