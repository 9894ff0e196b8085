namespace Oracle.Core.Evidence;

/// <summary>What an evidence key disclosure is bound to: the session's domain and id, and the one recipient.</summary>
/// <param name="ChainId">The chain id.</param>
/// <param name="SessionManager">The SessionManager's address (0x-prefixed).</param>
/// <param name="SessionId">The session whose key is disclosed.</param>
/// <param name="Recipient">The recipient's Ethereum address (an oracle of the committee), 0x-prefixed.</param>
public sealed record EvidenceKeyContext(ulong ChainId, string SessionManager, ulong SessionId, string Recipient);
