using Nethereum.Signer;
using Nethereum.Util;
using Oracle.Core.Eip712;

namespace Oracle.Core.Evidence;

/// <summary>
/// The provider's signed commitment to a session's evidence key (<see cref="Eip712.EvidenceKey"/>): made when the
/// session's log is created, given to the client with the key, kept by both; an oracle checks a disclosed key against it.
/// </summary>
public static class EvidenceKeyCommitment
{
    /// <summary><c>keccak256(key)</c>.</summary>
    public static byte[] KeyHash(ReadOnlySpan<byte> key)
    {
        if (key.Length != RecordSealer.KeySize)
        {
            throw new ArgumentException($"an evidence key has {RecordSealer.KeySize} bytes", nameof(key));
        }

        return Sha3Keccack.Current.CalculateHash(key.ToArray());
    }

    /// <summary>The typed message committing to <paramref name="key"/> for <paramref name="sessionId"/>.</summary>
    public static EvidenceKey Message(ulong sessionId, ReadOnlySpan<byte> key) => new() { SessionId = sessionId, KeyHash = KeyHash(key) };

    /// <summary>The provider's signature of the commitment (0x-prefixed hex, 65 bytes).</summary>
    public static string Sign(ulong sessionId, ReadOnlySpan<byte> key, TypedDataDomain domain, EthECKey providerKey)
        => TypedDataSigner.Sign(Message(sessionId, key), domain, providerKey);

    /// <summary>Whether <paramref name="signature"/> is <paramref name="provider"/>'s commitment to <paramref name="key"/> for the session.</summary>
    public static bool Verify(ulong sessionId, ReadOnlySpan<byte> key, string signature, TypedDataDomain domain, string provider)
        => key.Length == RecordSealer.KeySize && TypedDataSigner.Verify(Message(sessionId, key), domain, signature, provider);
}
