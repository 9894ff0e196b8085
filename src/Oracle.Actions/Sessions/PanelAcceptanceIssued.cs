using System.Text.Json.Nodes;
using Oracle.Actions.Units;

namespace Oracle.Actions.Sessions;

/// <summary>A panel acceptance the provider signed, ready to hand to the client.</summary>
/// <param name="Provider">The provider that signed.</param>
/// <param name="Client">The client that may open the session.</param>
/// <param name="Panel">The oracles, ascending.</param>
/// <param name="Penalty">The session's penalty.</param>
/// <param name="CommitteeSize">The panel's size.</param>
/// <param name="ValidUntil">The acceptance's deadline.</param>
/// <param name="Acceptance">The one-line form (<see cref="PanelAcceptanceDocument.ToToken"/>).</param>
/// <param name="Document">The JSON document (<see cref="PanelAcceptanceDocument.ToJsonObject"/>).</param>
/// <param name="File">Where the document was written, when it was.</param>
public sealed record PanelAcceptanceIssued(string Provider, string Client, IReadOnlyList<string> Panel, TokenAmount Penalty, int CommitteeSize,
    DateTimeOffset ValidUntil, string Acceptance, JsonObject Document, string? File = null);
