namespace EvidenceCollector.Proofs;

/// <summary>Why a proof cannot be served (a value, turned into RFC 7807 problem details by the endpoints).</summary>
/// <param name="Status">The HTTP status: 404 unknown, 409 not yet (not anchored, not sequenced), 410 pruned, 400 a bad request.</param>
/// <param name="Title">A short title.</param>
/// <param name="Detail">What exactly.</param>
public sealed record ProofProblem(int Status, string Title, string Detail)
{
    /// <summary>Something asked for does not exist.</summary>
    public static ProofProblem NotFound(string detail) => new(404, "not found", detail);

    /// <summary>Something exists but is not there yet.</summary>
    public static ProofProblem NotYet(string detail) => new(409, "not yet", detail);

    /// <summary>The request is wrong.</summary>
    public static ProofProblem BadRequest(string detail) => new(400, "bad request", detail);
}
