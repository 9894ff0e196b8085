using Nethereum.ABI.FunctionEncoding.Attributes;

namespace Oracle.Core.Eip712;

/// <summary>
/// The provider's commitment to a session's evidence key (docs/protocol.md §5.5), signed by the provider's gateway under
/// the SessionManager's domain and sent with the key to the client over the tunnel's control channel (never on-chain).
/// It binds the key the provider seals the session's published records with: when a sealed record does not open under
/// a key whose commitment the provider signed, the provider sealed something else.
/// </summary>
[Struct("EvidenceKey")]
public sealed class EvidenceKey
{
    /// <summary>The session, as numbered by the SessionManager.</summary>
    [Parameter("uint64", "sessionId", 1)] public ulong SessionId { get; set; }

    /// <summary><c>keccak256(key)</c> of the 32-byte evidence key.</summary>
    [Parameter("bytes32", "keyHash", 2)] public byte[] KeyHash { get; set; } = new byte[32];
}
