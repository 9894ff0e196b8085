namespace VpnGateway.Providers;

/// <summary>A provider gateway as the directory knows it.</summary>
/// <param name="Address">The provider's Ethereum address (checksummed).</param>
/// <param name="TunnelKey">Its X25519 tunnel public key (32 bytes).</param>
/// <param name="Endpoint">Where its gateway listens (<c>host:port</c>), when the directory says.</param>
/// <param name="Active">Whether the provider is registered and active.</param>
public sealed record ProviderRecord(string Address, byte[] TunnelKey, string? Endpoint, bool Active);
