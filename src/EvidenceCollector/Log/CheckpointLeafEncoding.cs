using System.Buffers.Binary;
using Oracle.Core.Merkle;

namespace EvidenceCollector.Log;

/// <summary>
/// A leaf of the global log: one accepted session checkpoint (docs/protocol.md §5.6), 158 bytes big-endian:
/// <c>version 0x01 ‖ chainId u64 ‖ SessionManager (20 bytes) ‖ sessionId u64 ‖ treeSize u64 ‖ root[32] ‖ epochTime u64
/// ‖ captureDrops u64 ‖ gateway signature (65 bytes)</c>. Anyone can rebuild it from the signed checkpoint.
/// </summary>
/// <remarks>
/// The same bytes as Oracle.Core's <c>CheckpointLeaf</c> on the evidence branch; this file goes when that lands on main.
/// </remarks>
internal static class CheckpointLeafEncoding
{
    /// <summary>The encoding's version byte.</summary>
    public const byte Version = 1;

    /// <summary>The encoded length.</summary>
    public const int Size = 1 + 8 + 20 + 8 + 8 + MerkleHash.Size + 8 + 8 + 65;

    /// <summary>Encodes one checkpoint.</summary>
    /// <exception cref="ArgumentException">The root, the address or the signature has the wrong length.</exception>
    public static byte[] Encode(ulong chainId, ReadOnlySpan<byte> sessionManager, ulong sessionId, ulong treeSize, ReadOnlySpan<byte> root, ulong epochTime, ulong captureDrops, ReadOnlySpan<byte> signature)
    {
        if (sessionManager.Length != 20 || root.Length != MerkleHash.Size || signature.Length != 65)
        {
            throw new ArgumentException("an address has 20 bytes, a root 32, a signature 65");
        }

        var bytes = new byte[Size];
        var s = bytes.AsSpan();
        s[0] = Version;
        BinaryPrimitives.WriteUInt64BigEndian(s[1..], chainId);
        sessionManager.CopyTo(s[9..]);
        BinaryPrimitives.WriteUInt64BigEndian(s[29..], sessionId);
        BinaryPrimitives.WriteUInt64BigEndian(s[37..], treeSize);
        root.CopyTo(s[45..]);
        BinaryPrimitives.WriteUInt64BigEndian(s[77..], epochTime);
        BinaryPrimitives.WriteUInt64BigEndian(s[85..], captureDrops);
        signature.CopyTo(s[93..]);
        return bytes;
    }

    /// <summary>The session id of an encoded leaf.</summary>
    public static ulong SessionId(ReadOnlySpan<byte> leaf) => BinaryPrimitives.ReadUInt64BigEndian(leaf[29..]);

    /// <summary>The session log's tree size of an encoded leaf.</summary>
    public static ulong TreeSize(ReadOnlySpan<byte> leaf) => BinaryPrimitives.ReadUInt64BigEndian(leaf[37..]);

    /// <summary>The session log's root of an encoded leaf.</summary>
    public static byte[] Root(ReadOnlySpan<byte> leaf) => leaf.Slice(45, MerkleHash.Size).ToArray();
}
