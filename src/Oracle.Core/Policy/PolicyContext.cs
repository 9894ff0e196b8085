namespace Oracle.Core.Policy;

/// <summary>
/// What the evaluation needs besides the document: the provider's own networks (its host addresses and the LAN
/// prefixes it protects), which the implicit guard rule denies unless the document exports them.
/// </summary>
/// <remarks>
/// The provider declares these to the client at session start, so that whoever re-evaluates the evidence (an oracle
/// node) uses the same set; the verdict is then a pure function of document, context and packet.
/// </remarks>
/// <param name="ProviderNetworks">The provider's protected prefixes.</param>
public sealed record PolicyContext(IReadOnlyList<IpPrefix> ProviderNetworks)
{
    /// <summary>A context without provider networks (a client enforcing nothing of its own).</summary>
    public static PolicyContext Empty { get; } = new([]);
}
