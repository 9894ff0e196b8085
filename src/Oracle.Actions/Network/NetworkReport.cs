namespace Oracle.Actions.Network;

/// <summary>A deployment and its verification against the chain.</summary>
/// <param name="Network">The network's name.</param>
/// <param name="ChainId">Its chain id.</param>
/// <param name="Manifest">The manifest file, when written or read from one.</param>
/// <param name="Contracts">Each contract's address, by manifest name.</param>
/// <param name="Checks">Every check made.</param>
public sealed record NetworkReport(string Network, ulong ChainId, string? Manifest, IReadOnlyDictionary<string, string> Contracts, IReadOnlyList<NetworkCheck> Checks)
{
    /// <summary>Whether every check passed.</summary>
    public bool Verified => Checks.All(c => c.Passed);
}
