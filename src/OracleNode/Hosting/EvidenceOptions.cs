namespace OracleNode.Hosting;

/// <summary>Where the node reads evidence (section <c>Evidence</c>).</summary>
internal sealed class EvidenceOptions
{
    public const string Section = "Evidence";

    /// <summary>
    /// Base URLs of evidence collectors' read APIs, tried in order for each proof. Whatever a collector serves is
    /// checked against the chain; a collector can only make evidence unavailable, never make it valid.
    /// </summary>
    public List<string> Collectors { get; set; } = [];

    /// <summary>Timeout of one request for a document or a proof.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Hosts the node fetches evidence documents from (http/https URIs of claims); empty allows any host. Set it when
    /// the node runs where an outside URL could reach internal services.
    /// </summary>
    public List<string> AllowedDocumentHosts { get; set; } = [];

    /// <summary>The most records the node opens for one claim (a ProviderOvercharged claim reads a whole session log).</summary>
    public int MaxRecords { get; set; } = 1_000_000;
}
