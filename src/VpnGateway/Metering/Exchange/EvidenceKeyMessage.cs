namespace VpnGateway.Metering.Exchange;

/// <summary>Provider → client: session <see cref="SessionId"/>'s evidence key and the provider's EIP-712 commitment to it.</summary>
internal sealed record EvidenceKeyMessage(ulong SessionId, byte[] Key, string Signature);
