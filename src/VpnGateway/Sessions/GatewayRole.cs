namespace VpnGateway.Sessions;

/// <summary>Which end of the tunnel this gateway is.</summary>
public enum GatewayRole
{
    /// <summary><c>vpngateway serve</c>: the provider's gateway (exit or site-to-site), the handshake responder.</summary>
    Provider,

    /// <summary><c>vpngateway connect</c>: the client, the handshake initiator.</summary>
    Client,
}
