namespace Arbitration.Api.Filing;

/// <summary>The signed <c>Filing</c> message.</summary>
/// <param name="SessionId">The session (uint64).</param>
/// <param name="ClaimType">ClientBreachedPolicy, ProviderBreachedPolicy, ProviderOvercharged or ProviderWithheldService (or 1..4).</param>
/// <param name="RuleId">The policy rule said to be broken (uint32; 0: none).</param>
/// <param name="EvidenceHash">keccak256 of the evidence bundle posted to <c>/evidence</c>.</param>
/// <param name="EvidenceUri">Where it is: this API's <c>/evidence/{hash}</c>.</param>
/// <param name="Nonce">The filer's current <c>DisputeManager.nonces(filer)</c> (uint256).</param>
/// <param name="Deadline">Unix time after which it may not be relayed (uint64).</param>
public sealed record FilingMessageRequest(string SessionId, string ClaimType, long RuleId, string EvidenceHash, string EvidenceUri, string Nonce, long Deadline);
