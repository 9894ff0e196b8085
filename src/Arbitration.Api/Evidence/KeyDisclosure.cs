namespace Arbitration.Api.Evidence;

/// <summary>
/// The session's evidence key encrypted to one committee member (114 bytes, ECIES on secp256k1: version 1, ephemeral
/// public key, AES-256-GCM ciphertext and tag; docs/protocol.md), so only that oracle can open the session's records.
/// </summary>
/// <param name="Recipient">The committee member's address.</param>
/// <param name="Disclosure">The 114 bytes as 0x hex.</param>
public sealed record KeyDisclosure(string Recipient, string Disclosure);
