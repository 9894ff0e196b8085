namespace VpnGateway.Network;

/// <summary>Setting up addresses, routes or NAT failed (missing tool, no permission, conflicting state).</summary>
internal sealed class NetworkConfigurationException(string message) : Exception(message);
