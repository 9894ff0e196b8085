using System.Security.Cryptography;
using System.Text;
using Oracle.Core.Transparency;

namespace EvidenceCollector.Log;

/// <summary>
/// Who the global log is: its origin (the first line of its checkpoints and the name of its note key), its id in the
/// EvidenceRegistry (<c>SHA-256(origin)</c>), the Ed25519 key that signs its checkpoints, and the chain and
/// SessionManager whose sessions it logs.
/// </summary>
internal sealed class LogIdentity(string origin, NoteKey key, ulong chainId, string sessionManager, string collector) : IDisposable
{
    /// <summary>The label of the HKDF that derives the checkpoint key from the collector's Ethereum key.</summary>
    public const string KeyLabel = "oracle evidence collector checkpoint key v1";

    /// <summary>The log's origin.</summary>
    public string Origin { get; } = origin;

    /// <summary>The log id anchored in the EvidenceRegistry: <c>SHA-256(UTF-8(origin))</c>.</summary>
    public byte[] LogId { get; } = SHA256.HashData(Encoding.UTF8.GetBytes(origin));

    /// <summary>The checkpoint signing key (named after the origin).</summary>
    public NoteKey Key { get; } = key;

    /// <summary>The chain id of every session logged.</summary>
    public ulong ChainId { get; } = chainId;

    /// <summary>The SessionManager whose sessions are logged (0x-prefixed).</summary>
    public string SessionManager { get; } = sessionManager;

    /// <summary>The SessionManager's 20 address bytes.</summary>
    public byte[] SessionManagerBytes { get; } = Convert.FromHexString(sessionManager.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? sessionManager[2..] : sessionManager);

    /// <summary>The collector's Ethereum address (it anchors the log).</summary>
    public string Collector { get; } = collector;

    /// <summary>The default origin: <c>oracle.evidence/&lt;chain id&gt;/&lt;collector address, lower case&gt;</c>.</summary>
    public static string DefaultOrigin(ulong chainId, string collector) => $"oracle.evidence/{chainId}/{collector.ToLowerInvariant()}";

    /// <summary>Signs the checkpoint of <paramref name="treeSize"/> leaves with <paramref name="root"/>.</summary>
    public string Sign(ulong treeSize, byte[] root) => Key.Sign(new CheckpointBody(Origin, treeSize, root).Format()).Format();

    /// <inheritdoc />
    public void Dispose() => Key.Dispose();
}
