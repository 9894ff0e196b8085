namespace OracleNode.Evidence;

/// <summary>The outcome of fetching an evidence document: its bytes, or why not and whether trying again may help.</summary>
/// <param name="Bytes">The document, when fetched and its hash checked.</param>
/// <param name="Problem">Why not (empty when fetched).</param>
/// <param name="Transient">A server that did not answer (worth trying again), as opposed to a wrong document.</param>
internal sealed record FetchedDocument(byte[]? Bytes, string Problem, bool Transient)
{
    public bool IsFetched => Bytes is not null;

    public static FetchedDocument Fetched(byte[] bytes) => new(bytes, "", false);

    public static FetchedDocument Invalid(string problem) => new(null, problem, false);

    public static FetchedDocument Unavailable(string problem) => new(null, problem, true);
}
