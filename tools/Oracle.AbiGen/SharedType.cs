namespace Oracle.AbiGen;

/// <summary>A struct or custom error that several contracts may declare, generated once.</summary>
/// <param name="Name">The Solidity name (<c>Session</c>, <c>SessionUnknown</c>).</param>
/// <param name="Members">The struct's components or the error's inputs.</param>
/// <param name="Shape">Types and names of the members, as compared between declarations.</param>
/// <param name="Origin">Where it was first seen (<c>ISessionManager.Session in SessionManager</c>).</param>
internal sealed record SharedType(string Name, List<AbiParameter> Members, string Shape, string Origin)
{
    /// <summary>The contracts whose ABI uses it.</summary>
    public SortedSet<string> UsedBy { get; } = new(StringComparer.Ordinal);
}
