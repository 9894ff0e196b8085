using NSec.Cryptography;

namespace VpnGateway.Crypto;

/// <summary>An X25519 key pair: a gateway's or client's static tunnel key, or a handshake's ephemeral key.</summary>
internal sealed class TunnelKeyPair : IDisposable
{
    public const int KeySize = 32;

    private static readonly KeyAgreementAlgorithm Algorithm = KeyAgreementAlgorithm.X25519;

    private readonly Key _key;

    private TunnelKeyPair(Key key)
    {
        _key = key;
        PublicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    /// <summary>The 32-byte public key.</summary>
    public byte[] PublicKey { get; }

    /// <summary>A fresh random key pair.</summary>
    public static TunnelKeyPair Generate()
        => new(Key.Create(Algorithm, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));

    /// <summary>The key pair of a 32-byte private key.</summary>
    public static TunnelKeyPair FromPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != KeySize)
        {
            throw new ArgumentException("an X25519 private key is 32 bytes", nameof(privateKey));
        }

        return new(Key.Import(Algorithm, privateKey, KeyBlobFormat.RawPrivateKey,
            new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));
    }

    /// <summary>The raw private key (for writing it to a keystore file).</summary>
    public byte[] ExportPrivateKey() => _key.Export(KeyBlobFormat.RawPrivateKey);

    /// <summary>X25519 with <paramref name="peerPublicKey"/>; false for invalid or low-order points (all-zero result).</summary>
    public bool TryAgree(ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
    {
        if (peerPublicKey.Length != KeySize || !NSec.Cryptography.PublicKey.TryImport(Algorithm, peerPublicKey, KeyBlobFormat.RawPublicKey, out var peer) || peer is null)
        {
            return false;
        }

        var parameters = new SharedSecretCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
        using var secret = Algorithm.Agree(_key, peer, in parameters);
        if (secret is null)
        {
            return false;
        }

        var raw = secret.Export(SharedSecretBlobFormat.RawSharedSecret);
        raw.CopyTo(sharedSecret);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(raw);
        return true;
    }

    public void Dispose() => _key.Dispose();
}
