using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Oracle.Core.Evidence;

/// <summary>
/// Deterministic evidence batch ids: the first 16 bytes of
/// <c>SHA-256("oracle evidence batch v1" ‖ chainId u64 ‖ lower-case SessionManager address ‖ sessionId u64 ‖ treeSize u64)</c>
/// with the RFC 9562 version 8 and variant bits set. A session's tree size grows with every batch, so the id is unique,
/// and a gateway that rebuilds a batch after a crash gives it the same id.
/// </summary>
public static class EvidenceBatchId
{
    private static readonly byte[] Label = Encoding.ASCII.GetBytes("oracle evidence batch v1");

    /// <summary>The id of the batch of session <paramref name="sessionId"/> whose checkpoint has <paramref name="treeSize"/> leaves.</summary>
    public static Guid For(ulong chainId, string sessionManager, ulong sessionId, ulong treeSize)
    {
        ArgumentNullException.ThrowIfNull(sessionManager);
        var address = Encoding.ASCII.GetBytes(sessionManager.ToLowerInvariant());
        var input = new byte[Label.Length + 8 + address.Length + 16];
        Label.CopyTo(input, 0);
        var at = Label.Length;
        BinaryPrimitives.WriteUInt64BigEndian(input.AsSpan(at), chainId);
        address.CopyTo(input, at + 8);
        at += 8 + address.Length;
        BinaryPrimitives.WriteUInt64BigEndian(input.AsSpan(at), sessionId);
        BinaryPrimitives.WriteUInt64BigEndian(input.AsSpan(at + 8), treeSize);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
