using System.Buffers.Binary;
using System.Security.Cryptography;
using VpnGateway.Protocol;

namespace VpnGateway.Crypto;

/// <summary>The responder's side: consumes an initiation, then writes the response and derives the transport keys.</summary>
internal sealed class ResponderHandshake
{
    private readonly byte[] _chainKey;
    private readonly byte[] _hash;
    private readonly byte[] _initiatorEphemeral;

    private ResponderHandshake(byte[] chainKey, byte[] hash, byte[] initiatorEphemeral, byte[] initiatorStatic, uint initiatorIndex)
    {
        _chainKey = chainKey;
        _hash = hash;
        _initiatorEphemeral = initiatorEphemeral;
        InitiatorStatic = initiatorStatic;
        InitiatorIndex = initiatorIndex;
    }

    /// <summary>The initiator's static public key (its tunnel identity).</summary>
    public byte[] InitiatorStatic { get; }

    public uint InitiatorIndex { get; }

    /// <summary>Whether the message's mac1 proves the sender knows <paramref name="mac1Key"/>'s owner's public key.</summary>
    public static bool CheckMac1(ReadOnlySpan<byte> mac1Key, ReadOnlySpan<byte> message, int mac1Offset)
    {
        Span<byte> mac = stackalloc byte[WireFormat.MacSize];
        Noise.Mac(mac1Key, message[..mac1Offset], mac);
        return CryptographicOperations.FixedTimeEquals(mac, message.Slice(mac1Offset, WireFormat.MacSize));
    }

    /// <summary>Consumes an initiation (mac1 already checked); <paramref name="payload"/> receives its plaintext.</summary>
    public static ResponderHandshake? TryConsumeInitiation(TunnelKeyPair staticKey, ReadOnlySpan<byte> message, Span<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(staticKey);
        if (message.Length != WireFormat.InitiationSize || message[0] != (byte)MessageType.HandshakeInitiation)
        {
            return null;
        }

        var chainKey = (byte[])Noise.InitialChainKey.Clone();
        var hash = (byte[])Noise.InitialHash.Clone();
        Noise.MixHash(hash, staticKey.PublicKey);
        var ephemeral = message.Slice(WireFormat.InitiationEphemeral, WireFormat.KeySize);
        Noise.Kdf(chainKey, ephemeral, default);
        Noise.MixHash(hash, ephemeral);
        Span<byte> dh = stackalloc byte[32];
        Span<byte> key = stackalloc byte[32];
        if (!staticKey.TryAgree(ephemeral, dh))
        {
            return null;
        }

        Noise.Kdf(chainKey, dh, key);
        var encryptedStatic = message.Slice(WireFormat.InitiationStatic, WireFormat.KeySize + WireFormat.TagSize);
        var initiatorStatic = new byte[WireFormat.KeySize];
        if (!Noise.Decrypt(key, hash, encryptedStatic, initiatorStatic))
        {
            return null;
        }

        Noise.MixHash(hash, encryptedStatic);
        if (!staticKey.TryAgree(initiatorStatic, dh))
        {
            return null;
        }

        Noise.Kdf(chainKey, dh, key);
        var encryptedPayload = message.Slice(WireFormat.InitiationPayload, InitiationPayloadLayout.Size + WireFormat.TagSize);
        if (!Noise.Decrypt(key, hash, encryptedPayload, payload))
        {
            return null;
        }

        Noise.MixHash(hash, encryptedPayload);
        CryptographicOperations.ZeroMemory(dh);
        CryptographicOperations.ZeroMemory(key);
        return new ResponderHandshake(chainKey, hash, ephemeral.ToArray(), initiatorStatic,
            BinaryPrimitives.ReadUInt32BigEndian(message[WireFormat.InitiationSenderIndex..]));
    }

    /// <summary>Writes the response (<see cref="WireFormat.ResponseSize"/> bytes) and derives the keys (the responder receives with the first).</summary>
    public bool TryCreateResponse(uint senderIndex, ReadOnlySpan<byte> payload, Span<byte> message, Span<byte> sendKey, Span<byte> receiveKey)
    {
        message[..WireFormat.ResponseSize].Clear();
        message[0] = (byte)MessageType.HandshakeResponse;
        BinaryPrimitives.WriteUInt32BigEndian(message[WireFormat.ResponseSenderIndex..], senderIndex);
        BinaryPrimitives.WriteUInt32BigEndian(message[WireFormat.ResponseReceiverIndex..], InitiatorIndex);
        var chainKey = (byte[])_chainKey.Clone();
        var hash = (byte[])_hash.Clone();
        using var ephemeral = TunnelKeyPair.Generate();
        ephemeral.PublicKey.CopyTo(message[WireFormat.ResponseEphemeral..]);
        Noise.Kdf(chainKey, ephemeral.PublicKey, default);
        Noise.MixHash(hash, ephemeral.PublicKey);
        Span<byte> dh = stackalloc byte[32];
        if (!ephemeral.TryAgree(_initiatorEphemeral, dh))
        {
            return false;
        }

        Noise.Kdf(chainKey, dh, default);
        if (!ephemeral.TryAgree(InitiatorStatic, dh))
        {
            return false;
        }

        Noise.Kdf(chainKey, dh, default);
        Span<byte> key = stackalloc byte[32];
        Noise.MixZeroPresharedKey(chainKey, hash, key);
        var encrypted = message.Slice(WireFormat.ResponsePayload, ResponsePayloadLayout.Size + WireFormat.TagSize);
        Noise.Encrypt(key, hash, payload, encrypted);
        Noise.MixHash(hash, encrypted);
        Noise.Mac(Noise.Mac1Key(InitiatorStatic), message[..WireFormat.ResponseMac1], message[WireFormat.ResponseMac1..]);
        // The initiator sends with the first key, so the responder receives with it.
        Noise.Split(chainKey, receiveKey, sendKey);
        CryptographicOperations.ZeroMemory(dh);
        CryptographicOperations.ZeroMemory(key);
        return true;
    }
}
