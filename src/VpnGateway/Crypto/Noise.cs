using System.Security.Cryptography;

namespace VpnGateway.Crypto;

/// <summary>
/// The primitives of the handshake (docs/protocol.md §4.3): Noise_IK_25519_ChaChaPoly_SHA256 with the prologue
/// "Oracle tunnel v1", HKDF as Noise defines it on HMAC-SHA-256, and 16-byte HMAC-SHA-256 MACs for mac1/mac2.
/// </summary>
internal static class Noise
{
    public const int HashSize = 32;

    public static readonly byte[] InitialChainKey = SHA256.HashData("Noise_IK_25519_ChaChaPoly_SHA256"u8);

    public static readonly byte[] InitialHash = SHA256.HashData([.. InitialChainKey, .. "Oracle tunnel v1"u8]);

    /// <summary>h = SHA-256(h ‖ data).</summary>
    public static void MixHash(byte[] hash, ReadOnlySpan<byte> data)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(hash);
        sha.AppendData(data);
        sha.GetHashAndReset(hash);
    }

    /// <summary>Noise's HKDF: (ck, out1[, out2]) from the chaining key and input key material.</summary>
    public static void Kdf(byte[] chainKey, ReadOnlySpan<byte> input, Span<byte> output1, Span<byte> output2 = default)
    {
        Span<byte> prk = stackalloc byte[HashSize];
        HMACSHA256.HashData(chainKey, input, prk);
        Span<byte> block = stackalloc byte[HashSize + 1];
        Span<byte> t = stackalloc byte[HashSize];
        // T1 = HMAC(prk, 0x01), T2 = HMAC(prk, T1 ‖ 0x02), T3 = HMAC(prk, T2 ‖ 0x03)
        block[0] = 1;
        HMACSHA256.HashData(prk, block[..1], t);
        t.CopyTo(chainKey);
        if (output1.IsEmpty)
        {
            return;
        }

        t.CopyTo(block);
        block[HashSize] = 2;
        HMACSHA256.HashData(prk, block, t);
        t.CopyTo(output1);
        if (output2.IsEmpty)
        {
            return;
        }

        t.CopyTo(block);
        block[HashSize] = 3;
        HMACSHA256.HashData(prk, block, t);
        t.CopyTo(output2);
        CryptographicOperations.ZeroMemory(prk);
    }

    /// <summary>
    /// The response's last mixing step, shared by both sides: (ck, τ, key) = HKDF(ck, 0³²) with an all-zero pre-shared
    /// key, h = HASH(h ‖ τ); <paramref name="key"/> then seals the response's payload.
    /// </summary>
    public static void MixZeroPresharedKey(byte[] chainKey, byte[] hash, Span<byte> key)
    {
        Span<byte> tau = stackalloc byte[HashSize];
        Span<byte> zero = stackalloc byte[HashSize];
        zero.Clear();
        Kdf(chainKey, zero, tau, key);
        MixHash(hash, tau);
    }

    /// <summary>Two transport keys from the final chaining key: (first, second) = HKDF(ck, ε).</summary>
    public static void Split(byte[] chainKey, Span<byte> first, Span<byte> second)
    {
        var copy = (byte[])chainKey.Clone();
        Span<byte> prk = stackalloc byte[HashSize];
        HMACSHA256.HashData(copy, ReadOnlySpan<byte>.Empty, prk);
        Span<byte> block = stackalloc byte[HashSize + 1];
        block[0] = 1;
        HMACSHA256.HashData(prk, block[..1], first);
        first.CopyTo(block);
        block[HashSize] = 2;
        HMACSHA256.HashData(prk, block, second);
        CryptographicOperations.ZeroMemory(prk);
        CryptographicOperations.ZeroMemory(copy);
    }

    /// <summary>ChaCha20-Poly1305 with nonce 0 and the handshake hash as associated data.</summary>
    public static void Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> associated, ReadOnlySpan<byte> plaintext, Span<byte> output)
    {
        using var aead = new ChaCha20Poly1305(key);
        Span<byte> nonce = stackalloc byte[12];
        nonce.Clear();
        aead.Encrypt(nonce, plaintext, output[..plaintext.Length], output.Slice(plaintext.Length, 16), associated);
    }

    public static bool Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> associated, ReadOnlySpan<byte> ciphertext, Span<byte> output)
    {
        if (ciphertext.Length < 16)
        {
            return false;
        }

        using var aead = new ChaCha20Poly1305(key);
        Span<byte> nonce = stackalloc byte[12];
        nonce.Clear();
        try
        {
            aead.Decrypt(nonce, ciphertext[..^16], ciphertext[^16..], output[..(ciphertext.Length - 16)], associated);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    /// <summary>The first 16 bytes of HMAC-SHA-256.</summary>
    public static void Mac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> mac)
    {
        Span<byte> full = stackalloc byte[HashSize];
        HMACSHA256.HashData(key, data, full);
        full[..16].CopyTo(mac);
    }

    /// <summary>The mac1 key of a responder: SHA-256("mac1----" ‖ its static public key).</summary>
    public static byte[] Mac1Key(ReadOnlySpan<byte> publicKey) => SHA256.HashData([.. "mac1----"u8, .. publicKey]);

    /// <summary>The cookie-reply encryption key of a responder: SHA-256("cookie--" ‖ its static public key).</summary>
    public static byte[] CookieKey(ReadOnlySpan<byte> publicKey) => SHA256.HashData([.. "cookie--"u8, .. publicKey]);
}
