namespace Arbitration.Api.Apis.Models;

/// <summary>An evidence document of a dispute: the filing's, one a party submitted on-chain, or one posted to this API for it.</summary>
/// <param name="Hash">keccak256 of the document's bytes.</param>
/// <param name="Uri">Where it is.</param>
/// <param name="Source">filing, submitted or posted.</param>
/// <param name="Party">Who submitted it on-chain (filing and submitted).</param>
/// <param name="Stored">Whether this API serves it at <c>/evidence/{hash}</c>.</param>
public sealed record EvidenceReference(string Hash, string? Uri, string Source, string? Party, bool Stored);
