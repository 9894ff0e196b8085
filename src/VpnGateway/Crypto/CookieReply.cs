using System.Buffers.Binary;
using NSec.Cryptography;
using VpnGateway.Protocol;

namespace VpnGateway.Crypto;

/// <summary>
/// Cookie replies (WireGuard's DoS defence): under load the responder answers an initiation with a cookie bound to
/// the sender's address instead of doing Diffie-Hellman; the initiator proves it can receive at that address by
/// putting mac2 = MAC(cookie, message) into its retry. The cookie travels XChaCha20-Poly1305-encrypted under a key
/// derived from the responder's public key, with the initiation's mac1 as associated data.
/// </summary>
internal static class CookieReply
{
    private static readonly AeadAlgorithm Aead = AeadAlgorithm.XChaCha20Poly1305;

    public static void Write(ReadOnlySpan<byte> cookieKey, uint receiverIndex, ReadOnlySpan<byte> mac1, ReadOnlySpan<byte> cookie, Span<byte> message)
    {
        message[..WireFormat.CookieSize].Clear();
        message[0] = (byte)MessageType.CookieReply;
        BinaryPrimitives.WriteUInt32BigEndian(message[WireFormat.CookieReceiverIndex..], receiverIndex);
        var nonce = message.Slice(WireFormat.CookieNonce, WireFormat.CookieNonceSize);
        System.Security.Cryptography.RandomNumberGenerator.Fill(nonce);
        using var key = Key.Import(Aead, cookieKey, KeyBlobFormat.RawSymmetricKey);
        Aead.Encrypt(key, nonce, mac1, cookie, message.Slice(WireFormat.CookieEncrypted, WireFormat.MacSize + WireFormat.TagSize));
    }

    public static bool TryOpen(ReadOnlySpan<byte> cookieKey, ReadOnlySpan<byte> mac1, ReadOnlySpan<byte> message, Span<byte> cookie)
    {
        if (message.Length != WireFormat.CookieSize || message[0] != (byte)MessageType.CookieReply)
        {
            return false;
        }

        using var key = Key.Import(Aead, cookieKey, KeyBlobFormat.RawSymmetricKey);
        return Aead.Decrypt(key, message.Slice(WireFormat.CookieNonce, WireFormat.CookieNonceSize), mac1,
            message.Slice(WireFormat.CookieEncrypted, WireFormat.MacSize + WireFormat.TagSize), cookie[..WireFormat.MacSize]);
    }
}
