using System.Buffers.Binary;
using System.Security.Cryptography;
using VpnGateway.Protocol;

namespace VpnGateway.Crypto;

/// <summary>
/// The initiator's side of one handshake: builds the initiation (e, es, s, ss, payload) and consumes the response
/// (e, ee, se, payload) into two transport keys.
/// </summary>
internal sealed class InitiatorHandshake : IDisposable
{
    private readonly byte[] _chainKey;
    private readonly byte[] _hash;
    private readonly TunnelKeyPair _ephemeral;
    private readonly TunnelKeyPair _static;
    private readonly byte[] _responderStatic;

    private InitiatorHandshake(uint senderIndex, byte[] chainKey, byte[] hash, TunnelKeyPair ephemeral, TunnelKeyPair staticKey, byte[] responderStatic, byte[] mac1, long createdTimestamp)
    {
        SenderIndex = senderIndex;
        _chainKey = chainKey;
        _hash = hash;
        _ephemeral = ephemeral;
        _static = staticKey;
        _responderStatic = responderStatic;
        Mac1 = mac1;
        CreatedTimestamp = createdTimestamp;
    }

    public uint SenderIndex { get; }

    /// <summary>The mac1 of the initiation sent (the associated data of a cookie reply to it).</summary>
    public byte[] Mac1 { get; }

    public long CreatedTimestamp { get; }

    /// <summary>Writes an initiation into <paramref name="message"/> (<see cref="WireFormat.InitiationSize"/> bytes).</summary>
    /// <param name="cookie">The latest cookie from the responder, or null (mac2 then stays zero).</param>
    /// <returns>Null when the responder's key is not a valid X25519 key.</returns>
    public static InitiatorHandshake? Create(TunnelKeyPair staticKey, byte[] responderStatic, uint senderIndex, ReadOnlySpan<byte> payload,
        ReadOnlySpan<byte> cookie, long timestamp, Span<byte> message)
    {
        ArgumentNullException.ThrowIfNull(staticKey);
        message[..WireFormat.InitiationSize].Clear();
        message[0] = (byte)MessageType.HandshakeInitiation;
        BinaryPrimitives.WriteUInt32BigEndian(message[WireFormat.InitiationSenderIndex..], senderIndex);
        var chainKey = (byte[])Noise.InitialChainKey.Clone();
        var hash = (byte[])Noise.InitialHash.Clone();
        Noise.MixHash(hash, responderStatic);

        var ephemeral = TunnelKeyPair.Generate();
        Span<byte> key = stackalloc byte[32];
        Span<byte> dh = stackalloc byte[32];
        ephemeral.PublicKey.CopyTo(message[WireFormat.InitiationEphemeral..]);
        Noise.Kdf(chainKey, ephemeral.PublicKey, default);
        Noise.MixHash(hash, ephemeral.PublicKey);

        if (!ephemeral.TryAgree(responderStatic, dh))
        {
            ephemeral.Dispose();
            return null;
        }

        Noise.Kdf(chainKey, dh, key);
        var encryptedStatic = message.Slice(WireFormat.InitiationStatic, WireFormat.KeySize + WireFormat.TagSize);
        Noise.Encrypt(key, hash, staticKey.PublicKey, encryptedStatic);
        Noise.MixHash(hash, encryptedStatic);

        if (!staticKey.TryAgree(responderStatic, dh))
        {
            ephemeral.Dispose();
            return null;
        }

        Noise.Kdf(chainKey, dh, key);
        var encryptedPayload = message.Slice(WireFormat.InitiationPayload, InitiationPayloadLayout.Size + WireFormat.TagSize);
        Noise.Encrypt(key, hash, payload, encryptedPayload);
        Noise.MixHash(hash, encryptedPayload);
        CryptographicOperations.ZeroMemory(dh);
        CryptographicOperations.ZeroMemory(key);

        var mac1 = new byte[WireFormat.MacSize];
        Noise.Mac(Noise.Mac1Key(responderStatic), message[..WireFormat.InitiationMac1], mac1);
        mac1.CopyTo(message[WireFormat.InitiationMac1..]);
        if (!cookie.IsEmpty)
        {
            Noise.Mac(cookie, message[..WireFormat.InitiationMac2], message[WireFormat.InitiationMac2..]);
        }

        return new InitiatorHandshake(senderIndex, chainKey, hash, ephemeral, staticKey, responderStatic, mac1, timestamp);
    }

    /// <summary>
    /// Consumes a response to this initiation; on success <paramref name="payload"/> holds its plaintext and the two
    /// transport keys are derived (the initiator sends with the first).
    /// </summary>
    public bool TryConsumeResponse(ReadOnlySpan<byte> message, Span<byte> payload, Span<byte> sendKey, Span<byte> receiveKey, out uint responderIndex)
    {
        responderIndex = 0;
        if (message.Length != WireFormat.ResponseSize || message[0] != (byte)MessageType.HandshakeResponse
            || BinaryPrimitives.ReadUInt32BigEndian(message[WireFormat.ResponseReceiverIndex..]) != SenderIndex)
        {
            return false;
        }

        Span<byte> mac = stackalloc byte[WireFormat.MacSize];
        Noise.Mac(Noise.Mac1Key(_static.PublicKey), message[..WireFormat.ResponseMac1], mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, message.Slice(WireFormat.ResponseMac1, WireFormat.MacSize)))
        {
            return false;
        }

        var chainKey = (byte[])_chainKey.Clone();
        var hash = (byte[])_hash.Clone();
        var responderEphemeral = message.Slice(WireFormat.ResponseEphemeral, WireFormat.KeySize);
        Noise.Kdf(chainKey, responderEphemeral, default);
        Noise.MixHash(hash, responderEphemeral);
        Span<byte> dh = stackalloc byte[32];
        if (!_ephemeral.TryAgree(responderEphemeral, dh))
        {
            return false;
        }

        Noise.Kdf(chainKey, dh, default);
        if (!_static.TryAgree(responderEphemeral, dh))
        {
            return false;
        }

        Noise.Kdf(chainKey, dh, default);
        Span<byte> key = stackalloc byte[32];
        Noise.MixZeroPresharedKey(chainKey, hash, key);
        var encrypted = message.Slice(WireFormat.ResponsePayload, ResponsePayloadLayout.Size + WireFormat.TagSize);
        if (!Noise.Decrypt(key, hash, encrypted, payload))
        {
            return false;
        }

        Noise.MixHash(hash, encrypted);
        Noise.Split(chainKey, sendKey, receiveKey);
        responderIndex = BinaryPrimitives.ReadUInt32BigEndian(message[WireFormat.ResponseSenderIndex..]);
        CryptographicOperations.ZeroMemory(dh);
        CryptographicOperations.ZeroMemory(key);
        return true;
    }

    /// <summary>Checks the mac1 of a cookie reply and decrypts its cookie.</summary>
    public bool TryConsumeCookie(ReadOnlySpan<byte> message, Span<byte> cookie)
        => CookieReply.TryOpen(Noise.CookieKey(_responderStatic), Mac1, message, cookie);

    public void Dispose() => _ephemeral.Dispose();
}
