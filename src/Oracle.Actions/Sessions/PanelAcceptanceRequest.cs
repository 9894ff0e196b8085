using Oracle.Actions.Units;

namespace Oracle.Actions.Sessions;

/// <summary>What a provider accepts when it signs a named panel for one client's session.</summary>
/// <param name="Client">The client that may open the session.</param>
/// <param name="Panel">The oracles both parties name (any order; signed in ascending address order).</param>
/// <param name="Penalty">The session's penalty (at most the deposit the client will lock).</param>
/// <param name="ValidFor">How long the client has to open the session, from the chain's current time.</param>
public sealed record PanelAcceptanceRequest(string Client, IReadOnlyList<string> Panel, TokenAmount Penalty, TimeSpan ValidFor);
