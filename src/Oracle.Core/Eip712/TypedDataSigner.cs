using System.Numerics;
using System.Reflection;
using Nethereum.ABI.EIP712;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Signer;
using Nethereum.Signer.EIP712;
using Nethereum.Util;

namespace Oracle.Core.Eip712;

/// <summary>
/// Hashes, signs and recovers EIP-712 typed messages (the <c>eth_signTypedData_v4</c> encoding). Signatures are
/// 65 bytes <c>r ‖ s ‖ v</c> with v in {27, 28} and s in the lower half of the curve order, as OpenZeppelin's ECDSA
/// library demands on-chain; a high-s signature is rejected here too, so C# and Solidity agree on every input.
/// </summary>
public static class TypedDataSigner
{
    // secp256k1 order / 2: signatures with a larger s are the malleable twin of a valid one.
    private static readonly BigInteger HalfOrder = BigInteger.Parse("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0", System.Globalization.NumberStyles.HexNumber);

    private static readonly byte[] VoucherTypeHash = TypeHash<Voucher>();
    private static readonly byte[] CheckpointTypeHash = TypeHash<Checkpoint>();
    private static readonly byte[] TunnelAuthorizationTypeHash = TypeHash<TunnelAuthorization>();
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<TypedDataDomain, byte[]> Separators = new();

    /// <summary>
    /// The EIP-712 digest <c>keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message))</c>. Vouchers, checkpoints and
    /// tunnel authorizations (a signature per epoch, per batch, per handshake) are encoded directly (fixed layouts of
    /// 32-byte words, a test keeps them equal to Nethereum's generic encoder); other types go through Nethereum's.
    /// </summary>
    public static byte[] Hash<T>(T message, TypedDataDomain domain)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(domain);
        return StructHash(message) is { } structHash
            ? Digest(Separators.GetOrAdd(domain, DomainSeparator), structHash)
            : Eip712TypedDataEncoder.Current.EncodeAndHashTypedData(message, TypedData<T>(domain));
    }

    /// <summary>The domain separator <c>hashStruct(EIP712Domain)</c>.</summary>
    public static byte[] DomainSeparator(TypedDataDomain domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var typed = new TypedData<Domain>
        {
            Domain = domain.ToNethereum(),
            Types = MemberDescriptionFactory.GetTypesMemberDescription(typeof(Domain)),
            PrimaryType = "EIP712Domain",
        };
        return Eip712TypedDataEncoder.Current.HashDomainSeparator(typed);
    }

    /// <summary>The type hash <c>keccak256(encodeType(T))</c>.</summary>
    public static byte[] TypeHash<T>()
        where T : class
        => Sha3Keccack.Current.CalculateHash(System.Text.Encoding.UTF8.GetBytes(EncodedType<T>()));

    /// <summary>The encoded type, for example <c>Voucher(uint64 sessionId,...)</c>.</summary>
    public static string EncodedType<T>()
        where T : class
        => Eip712TypedDataEncoder.Current.GetEncodedType(PrimaryType<T>(), [typeof(T)]);

    /// <summary>Signs <paramref name="message"/> under <paramref name="domain"/> (RFC 6979 deterministic, low s).</summary>
    /// <returns>The 65-byte signature, 0x-prefixed hex.</returns>
    public static string Sign<T>(T message, TypedDataDomain domain, EthECKey key)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(key);
        var signature = key.SignAndCalculateV(Hash(message, domain));
        var bytes = new byte[65];
        signature.R.CopyTo(bytes.AsSpan(32 - signature.R.Length));
        signature.S.CopyTo(bytes.AsSpan(64 - signature.S.Length));
        bytes[64] = signature.V[0];
        return "0x" + Convert.ToHexStringLower(bytes);
    }

    /// <summary>
    /// Recovers the signer of <paramref name="message"/>, or <see langword="null"/> when the signature is malformed,
    /// malleable (high s) or does not recover to any key.
    /// </summary>
    /// <returns>The signer's checksummed address.</returns>
    public static string? Recover<T>(T message, TypedDataDomain domain, string signature)
        where T : class
    {
        byte[] bytes;
        try
        {
            bytes = signature.HexToByteArray();
        }
        catch (FormatException)
        {
            return null;
        }

        return RecoverDigest(Hash(message, domain), bytes);
    }

    /// <summary>
    /// Recovers the address that signed <paramref name="digest"/> (32 bytes) with the 65-byte signature
    /// <paramref name="signature"/> (<c>r ‖ s ‖ v</c>, v in {27, 28}, s in the lower half of the order), or
    /// <see langword="null"/> when the signature is malformed, malleable or recovers to no key. This is the one secp256k1
    /// recovery of the project (gateway, collector, oracle): native libsecp256k1 (Secp256k1.Net), about 30 times
    /// Nethereum's managed recovery (bench: <c>tools/Oracle.SignatureBench</c>); a test keeps it equal to Nethereum's.
    /// </summary>
    /// <returns>The signer's checksummed address.</returns>
    public static string? RecoverDigest(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
    {
        Span<byte> address = stackalloc byte[20];
        return TryRecoverAddress(digest, signature, address)
            ? AddressUtil.Current.ConvertToChecksumAddress(Convert.ToHexStringLower(address))
            : null;
    }

    /// <summary>Whether <paramref name="signature"/> is <paramref name="expectedSigner"/>'s signature of <paramref name="message"/>.</summary>
    /// <remarks>
    /// Compares the 20 recovered bytes with <paramref name="expectedSigner"/> read as hex (any case, with or without
    /// <c>0x</c>): no checksummed string is made (that costs a Keccak hash and several strings per signature, on every
    /// evidence batch). A malformed signature or expected address is no match.
    /// </remarks>
    public static bool Verify<T>(T message, TypedDataDomain domain, string signature, string expectedSigner)
        where T : class
    {
        Span<byte> expected = stackalloc byte[20];
        Span<byte> raw = stackalloc byte[65];
        if (!TryParseHex(signature, raw) || !TryParseHex(expectedSigner, expected))
        {
            return false;
        }

        Span<byte> address = stackalloc byte[20];
        return TryRecoverAddress(Hash(message, domain), raw, address) && address.SequenceEqual(expected);
    }

    // The recovery shared by RecoverDigest and Verify: checks the signature's shape and low s, recovers the public key
    // (native libsecp256k1) and writes its address (the last 20 bytes of the Keccak hash of the key).
    private static bool TryRecoverAddress(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature, Span<byte> address)
    {
        if (digest.Length != 32 || signature.Length != 65 || (signature[64] != 27 && signature[64] != 28))
        {
            return false;
        }

        var s = new BigInteger(signature.Slice(32, 32), isUnsigned: true, isBigEndian: true);
        if (s.IsZero || s > HalfOrder)
        {
            return false;
        }

        var publicKey = new byte[65];
        try
        {
            var recovered = Secp256k1Net.Secp256k1.RecoverPublicKey(signature[..64], (byte)(signature[64] - 27), digest, compressed: false);
            recovered.CopyTo(publicKey.AsSpan());
        }
        catch (ArgumentException)
        {
            return false; // r or s out of range, or no point for this r
        }

        var hash = Sha3Keccack.Current.CalculateHash(publicKey[1..]);
        hash.AsSpan(12).CopyTo(address);
        return true;
    }

    // Exactly destination.Length bytes of hex, with or without a 0x prefix.
    private static bool TryParseHex(string? hex, Span<byte> destination)
    {
        if (hex is null)
        {
            return false;
        }

        var digits = hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex.AsSpan(2) : hex.AsSpan();
        return digits.Length == destination.Length * 2
            && Convert.FromHexString(digits, destination, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == destination.Length;
    }

    private static byte[]? StructHash(object message)
    {
        switch (message)
        {
            case Voucher v when v.LogRoot is { Length: 32 } && v.CumulativeAmount.Sign >= 0 && v.CumulativeAmount.GetByteCount(isUnsigned: true) <= 32:
                return Keccak(VoucherTypeHash, Word(v.SessionId), Word(v.CumulativeAmount), Word(v.CumulativeBytes), Word(v.LogSize), v.LogRoot);
            case Checkpoint c when c.Root is { Length: 32 }:
                return Keccak(CheckpointTypeHash, Word(c.SessionId), Word(c.TreeSize), c.Root, Word(c.EpochTime), Word(c.CaptureDrops));
            case TunnelAuthorization a when a.ClientTunnelKey is { Length: 32 } && a.ProviderTunnelKey is { Length: 32 }:
                return Keccak(TunnelAuthorizationTypeHash, Word(a.SessionId), a.ClientTunnelKey, a.ProviderTunnelKey, Word(a.NotAfter));
            default:
                return null;
        }
    }

    private static byte[] Digest(byte[] separator, byte[] structHash) => Keccak([0x19, 0x01], separator, structHash);

    private static byte[] Word(ulong value)
    {
        var word = new byte[32];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(word.AsSpan(24), value);
        return word;
    }

    private static byte[] Word(BigInteger value)
    {
        var word = new byte[32];
        value.TryWriteBytes(word.AsSpan(32 - value.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
        return word;
    }

    private static byte[] Keccak(params byte[][] parts)
    {
        var buffer = new byte[parts.Sum(p => p.Length)];
        var at = 0;
        foreach (var part in parts)
        {
            part.CopyTo(buffer, at);
            at += part.Length;
        }

        return Sha3Keccack.Current.CalculateHash(buffer);
    }

    /// <summary>The Nethereum typed-data description of message type <typeparamref name="T"/> under <paramref name="domain"/>.</summary>
    public static TypedData<Domain> TypedData<T>(TypedDataDomain domain)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(domain);
        return new TypedData<Domain>
        {
            Domain = domain.ToNethereum(),
            Types = MemberDescriptionFactory.GetTypesMemberDescription(typeof(Domain), typeof(T)),
            PrimaryType = PrimaryType<T>(),
        };
    }

    private static string PrimaryType<T>()
        => typeof(T).GetCustomAttribute<StructAttribute>()?.Name
            ?? throw new InvalidOperationException($"{typeof(T).Name} has no [Struct] attribute naming its EIP-712 type");
}
