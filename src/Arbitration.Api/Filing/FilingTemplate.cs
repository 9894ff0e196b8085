using System.Text.Json.Nodes;

namespace Arbitration.Api.Filing;

/// <summary>
/// What a filer signs, ready for any EIP-712 wallet (<c>eth_signTypedData_v4</c> JSON): the <c>Filing</c> with the
/// filer's current nonce, and — when the filer's allowance does not cover the cost — an EIP-2612 <c>Permit</c> of the
/// cost to the DisputeManager. <c>arbitration-api sign-filing</c> signs both with a keystore and prints the
/// <c>POST /disputes</c> body.
/// </summary>
/// <param name="Filer">The filer.</param>
/// <param name="Cost">The fee and stake the filing takes from the filer (VPN base units).</param>
/// <param name="Filing">The Filing typed data to sign.</param>
/// <param name="Permit">The Permit typed data to sign, or null when the allowance suffices.</param>
public sealed record FilingTemplate(string Filer, string Cost, JsonObject Filing, JsonObject? Permit);
