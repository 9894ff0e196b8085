namespace OracleNode.Evidence;

/// <summary>The session's evidence key encrypted to one recipient (<c>EvidenceKeyDisclosure</c>, docs/protocol.md §5.5).</summary>
/// <param name="Recipient">The recipient's address, lower case.</param>
/// <param name="Sealed">The disclosure's bytes.</param>
internal sealed record KeyDisclosure(string Recipient, byte[] Sealed);
