namespace VpnGateway.Crypto;

/// <summary>The transport AEAD (docs/protocol.md §4.5). The handshake always uses ChaCha20-Poly1305.</summary>
internal enum CipherSuite : byte
{
    /// <summary>AES-256-GCM: fastest where the CPU has AES instructions.</summary>
    Aes256Gcm = 1,

    /// <summary>ChaCha20-Poly1305: constant-time everywhere.</summary>
    ChaCha20Poly1305 = 2,
}
