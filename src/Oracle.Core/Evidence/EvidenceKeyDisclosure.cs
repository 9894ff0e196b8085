using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Nethereum.Signer;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Math;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;
using Org.BouncyCastle.Security;

namespace Oracle.Core.Evidence;

/// <summary>
/// A session's evidence key encrypted to one recipient's Ethereum key (ECIES on secp256k1; docs/protocol.md §5.5): how a
/// party of a disputed session gives the drawn (or named) oracles, and nobody else, the key that opens the session's
/// sealed records (<see cref="RecordSealer"/>). Each disclosure names one recipient and one session.
/// </summary>
/// <remarks>
/// Format (114 bytes): <c>version 0x01 ‖ ephemeral public key (65 bytes, uncompressed 0x04 ‖ X ‖ Y) ‖ AES-256-GCM
/// ciphertext of the 32-byte key ‖ tag (16)</c>. The sender draws an ephemeral secp256k1 key e; <c>z</c> = the X
/// coordinate (32 bytes) of <c>e · P</c>, P the recipient's public key; <c>info = "oracle evidence key disclosure v1" ‖
/// chainId u64 ‖ SessionManager (20 bytes) ‖ sessionId u64 ‖ recipient address (20 bytes)</c>; the AES key is
/// <c>HKDF-SHA256(ikm = z, salt = ephemeral public key (65 bytes), info, 32 bytes)</c> (RFC 5869); nonce 12 zero bytes
/// (each AES key is used once); associated data = info. The recipient's public key is the one behind its address
/// (recovered from any signature it made, for example a transaction); <see cref="Seal"/> refuses a key whose address
/// is not the recipient's.
/// </remarks>
public static class EvidenceKeyDisclosure
{
    /// <summary>The format version.</summary>
    public const byte Version = 1;

    /// <summary>The length of a disclosure.</summary>
    public const int Size = 1 + 65 + RecordSealer.KeySize + RecordSealer.TagSize;

    private static readonly byte[] Label = Encoding.ASCII.GetBytes("oracle evidence key disclosure v1");
    private static readonly X9ECParameters Curve = Org.BouncyCastle.Asn1.Sec.SecNamedCurves.GetByName("secp256k1");

    /// <summary>Encrypts <paramref name="evidenceKey"/> to the recipient named in <paramref name="context"/>.</summary>
    /// <param name="evidenceKey">The session's evidence key (32 bytes).</param>
    /// <param name="recipientPublicKey">The recipient's secp256k1 public key: 64 bytes X ‖ Y, 65 bytes 0x04 ‖ X ‖ Y, or 33 compressed.</param>
    /// <param name="context">The session and the recipient's address.</param>
    /// <exception cref="ArgumentException">A key of the wrong length or not on the curve, or a public key that is not the recipient's.</exception>
    public static byte[] Seal(ReadOnlySpan<byte> evidenceKey, ReadOnlySpan<byte> recipientPublicKey, EvidenceKeyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (evidenceKey.Length != RecordSealer.KeySize)
        {
            throw new ArgumentException($"an evidence key has {RecordSealer.KeySize} bytes", nameof(evidenceKey));
        }

        var recipient = DecodePoint(recipientPublicKey) ?? throw new ArgumentException("not a secp256k1 public key", nameof(recipientPublicKey));
        var uncompressed = recipient.GetEncoded(false);
        if (!Nethereum.Util.AddressUtil.Current.AreAddressesTheSame(new EthECKey(uncompressed, false).GetPublicAddress(), context.Recipient))
        {
            throw new ArgumentException($"the public key is not {context.Recipient}'s", nameof(recipientPublicKey));
        }

        BigInteger ephemeral;
        var random = new SecureRandom();
        do
        {
            ephemeral = new BigInteger(256, random);
        }
        while (ephemeral.SignValue <= 0 || ephemeral.CompareTo(Curve.N) >= 0);

        var ephemeralPublic = Curve.G.Multiply(ephemeral).Normalize().GetEncoded(false);
        var shared = SharedX(recipient, ephemeral);
        var info = Info(context);
        var disclosure = new byte[Size];
        disclosure[0] = Version;
        ephemeralPublic.CopyTo(disclosure, 1);
        using var aes = new AesGcm(HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 32, ephemeralPublic, info), RecordSealer.TagSize);
        aes.Encrypt(new byte[12], evidenceKey, disclosure.AsSpan(66, RecordSealer.KeySize), disclosure.AsSpan(66 + RecordSealer.KeySize, RecordSealer.TagSize), info);
        return disclosure;
    }

    /// <summary>Decrypts a disclosure with the recipient's key.</summary>
    /// <param name="disclosure">The disclosure (<see cref="Size"/> bytes).</param>
    /// <param name="recipient">The recipient's private key (its keystore).</param>
    /// <param name="context">The session and the recipient's address, as the recipient expects them.</param>
    /// <param name="evidenceKey">The session's evidence key, when it opened.</param>
    /// <returns>Null when opened, else why not (another version, not for this recipient or session, altered).</returns>
    public static string? TryOpen(ReadOnlySpan<byte> disclosure, EthECKey recipient, EvidenceKeyContext context, out byte[] evidenceKey)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentNullException.ThrowIfNull(context);
        evidenceKey = [];
        if (disclosure.Length != Size || disclosure[0] != Version)
        {
            return $"a disclosure is {Size} bytes of version {Version}";
        }

        if (!Nethereum.Util.AddressUtil.Current.AreAddressesTheSame(recipient.GetPublicAddress(), context.Recipient))
        {
            return $"the key is not {context.Recipient}'s";
        }

        var ephemeralPublic = disclosure.Slice(1, 65).ToArray();
        if (DecodePoint(ephemeralPublic) is not { } ephemeral)
        {
            return "the ephemeral key is not on the curve";
        }

        var shared = SharedX(ephemeral, new BigInteger(1, recipient.GetPrivateKeyAsBytes()));
        var info = Info(context);
        var key = new byte[RecordSealer.KeySize];
        using var aes = new AesGcm(HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 32, ephemeralPublic, info), RecordSealer.TagSize);
        try
        {
            aes.Decrypt(new byte[12], disclosure.Slice(66, RecordSealer.KeySize), disclosure.Slice(66 + RecordSealer.KeySize, RecordSealer.TagSize), key, info);
        }
        catch (AuthenticationTagMismatchException)
        {
            return "the disclosure does not open: another recipient or session, or altered";
        }

        evidenceKey = key;
        return null;
    }

    private static ECPoint? DecodePoint(ReadOnlySpan<byte> key)
    {
        byte[] encoded = key.Length == 64 ? [0x04, .. key] : key.ToArray();
        if (encoded.Length is not (33 or 65))
        {
            return null;
        }

        try
        {
            var point = Curve.Curve.DecodePoint(encoded).Normalize();
            return point.IsInfinity || !point.IsValid() ? null : point;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static byte[] SharedX(ECPoint point, BigInteger scalar)
    {
        var shared = point.Multiply(scalar).Normalize();
        if (shared.IsInfinity)
        {
            throw new CryptographicException("the shared point is at infinity");
        }

        return Org.BouncyCastle.Utilities.BigIntegers.AsUnsignedByteArray(32, shared.AffineXCoord.ToBigInteger());
    }

    private static byte[] Info(EvidenceKeyContext context)
    {
        var info = new byte[Label.Length + 8 + 20 + 8 + 20];
        Label.CopyTo(info, 0);
        var at = Label.Length;
        BinaryPrimitives.WriteUInt64BigEndian(info.AsSpan(at), context.ChainId);
        RecordSealer.Address(context.SessionManager).CopyTo(info, at + 8);
        BinaryPrimitives.WriteUInt64BigEndian(info.AsSpan(at + 28), context.SessionId);
        RecordSealer.Address(context.Recipient).CopyTo(info, at + 36);
        return info;
    }
}
