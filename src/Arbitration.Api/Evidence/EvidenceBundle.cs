namespace Arbitration.Api.Evidence;

/// <summary>
/// The request body of <c>POST /evidence</c>, an ERC-1497 evidence document with the session (and dispute) it is about
/// and, for a dispute's committee, the session's evidence key encrypted to each member (docs/api.md). Documentation
/// type for the OpenAPI document; the endpoint reads the body field by field (<see cref="EvidenceBundleReader"/>).
/// </summary>
/// <param name="Name">ERC-1497: a short title.</param>
/// <param name="Description">ERC-1497: what the evidence shows.</param>
/// <param name="FileUri">ERC-1497: a file with more evidence (optional).</param>
/// <param name="FileHash">ERC-1497: its hash (optional).</param>
/// <param name="FileTypeExtension">ERC-1497: its type (optional).</param>
/// <param name="SessionId">The session the evidence is about (decimal).</param>
/// <param name="DisputeId">The dispute it is for (decimal; required with key disclosures).</param>
/// <param name="KeyDisclosures">The session's evidence key encrypted to each committee member of the dispute's current round.</param>
public sealed record EvidenceBundle(string Name, string Description, string? FileUri, string? FileHash, string? FileTypeExtension, string SessionId,
    string? DisputeId, IReadOnlyList<KeyDisclosure>? KeyDisclosures);
