namespace Arbitration.Api.Filing;

/// <summary>
/// The body of <c>POST /disputes</c> (documentation type for the OpenAPI document; <see cref="FilingReader"/> reads the
/// body field by field). Integers may be JSON numbers or decimal strings.
/// </summary>
/// <param name="Filer">The party filing: the session's client, or its provider for ClientBreachedPolicy.</param>
/// <param name="Filing">The EIP-712 <c>Filing</c> message the filer signed (docs/protocol.md §2).</param>
/// <param name="Signature">The filer's 65-byte signature of it under the DisputeManager's domain, 0x hex.</param>
/// <param name="Permit">The filer's EIP-2612 permit of the fee and stake to the DisputeManager (omit when an allowance is in place).</param>
/// <param name="Proof">A record proof (ClientBreachedPolicy only): a denied flow record in a log root the client signed.</param>
public sealed record FilingRequest(string Filer, FilingMessageRequest Filing, string Signature, PermitRequest? Permit, RecordProofRequest? Proof);
