using Nethereum.ABI.FunctionEncoding.Attributes;

namespace Oracle.Core.Eip712;

/// <summary>
/// The client's proof, sent inside the encrypted tunnel handshake, that it controls the Ethereum address of session
/// <see cref="SessionId"/>: signed by that address under the SessionManager's domain, it authorises the tunnel key
/// <see cref="ClientTunnelKey"/> to carry the session to the gateway whose key is <see cref="ProviderTunnelKey"/> until
/// <see cref="NotAfter"/>. The handshake itself proves possession of the client tunnel key (Noise IK), so a copied
/// authorisation is useless to anyone else; the domain binds chain id and contract, the type name binds the purpose.
/// </summary>
[Struct("TunnelAuthorization")]
public sealed class TunnelAuthorization
{
    /// <summary>The session, as numbered by the SessionManager.</summary>
    [Parameter("uint64", "sessionId", 1)] public ulong SessionId { get; set; }

    /// <summary>The client's X25519 tunnel public key (32 bytes).</summary>
    [Parameter("bytes32", "clientTunnelKey", 2)] public byte[] ClientTunnelKey { get; set; } = new byte[32];

    /// <summary>The provider gateway's X25519 tunnel public key (32 bytes), as registered on-chain.</summary>
    [Parameter("bytes32", "providerTunnelKey", 3)] public byte[] ProviderTunnelKey { get; set; } = new byte[32];

    /// <summary>Unix time (seconds) after which the authorisation is no longer accepted for new handshakes.</summary>
    [Parameter("uint64", "notAfter", 4)] public ulong NotAfter { get; set; }
}
