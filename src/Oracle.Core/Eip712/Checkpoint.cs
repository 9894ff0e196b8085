using Nethereum.ABI.FunctionEncoding.Attributes;

namespace Oracle.Core.Eip712;

/// <summary>
/// An evidence checkpoint, signed by the provider's gateway under the SessionManager's domain: the session's
/// evidence log held <see cref="TreeSize"/> leaves with root <see cref="Root"/> at <see cref="EpochTime"/>, and capture
/// had lost <see cref="CaptureDrops"/> packets so far (so every reader knows how complete the evidence is).
/// </summary>
[Struct("Checkpoint")]
public sealed class Checkpoint
{
    /// <summary>The session, as numbered by the SessionManager.</summary>
    [Parameter("uint64", "sessionId", 1)] public ulong SessionId { get; set; }

    /// <summary>The number of leaves in the session's evidence log.</summary>
    [Parameter("uint64", "treeSize", 2)] public ulong TreeSize { get; set; }

    /// <summary>The RFC 9162 root at that size.</summary>
    [Parameter("bytes32", "root", 3)] public byte[] Root { get; set; } = new byte[32];

    /// <summary>The end of the epoch, Unix seconds.</summary>
    [Parameter("uint64", "epochTime", 4)] public ulong EpochTime { get; set; }

    /// <summary>Packets the capture lost since the session began (libpcap's drop counters).</summary>
    [Parameter("uint64", "captureDrops", 5)] public ulong CaptureDrops { get; set; }
}
