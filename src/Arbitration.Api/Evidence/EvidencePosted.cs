namespace Arbitration.Api.Evidence;

/// <summary>The answer to <c>POST /evidence</c>: where the bundle is and the hash to sign into a filing.</summary>
/// <param name="Hash">keccak256 of the bundle's bytes: the filing's <c>evidenceHash</c>.</param>
/// <param name="Uri">Where it is served: the filing's <c>evidenceUri</c>.</param>
/// <param name="Size">Its size in bytes.</param>
public sealed record EvidencePosted(string Hash, string Uri, int Size);
