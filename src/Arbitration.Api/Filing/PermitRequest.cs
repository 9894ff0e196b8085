namespace Arbitration.Api.Filing;

/// <summary>An EIP-2612 permit of the VPN token: owner = the filer, spender = the DisputeManager.</summary>
/// <param name="Value">The allowance (at least the fee and stake), decimal base units.</param>
/// <param name="Deadline">Unix time the permit expires.</param>
/// <param name="Signature">The filer's 65-byte signature under the token's domain, 0x hex.</param>
public sealed record PermitRequest(string Value, long Deadline, string Signature);
