namespace VpnGateway.Providers;

/// <summary>
/// Where gateways look up who is who: a provider's tunnel key (the client needs it to start the handshake) and a
/// session's facts (the provider checks them before accepting a client). Implemented from the configuration file
/// (<see cref="PinnedProviderDirectory"/>: site-to-site links whose operators pin each other's keys) and from the chain
/// (ProviderRegistry and SessionManager through the generated bindings).
/// </summary>
public interface IProviderDirectory
{
    /// <summary>The provider registered under <paramref name="providerAddress"/>.</summary>
    ValueTask<Lookup<ProviderRecord>> GetProviderAsync(string providerAddress, CancellationToken cancellationToken);

    /// <summary>The session numbered <paramref name="sessionId"/>.</summary>
    ValueTask<Lookup<SessionRecord>> GetSessionAsync(ulong sessionId, CancellationToken cancellationToken);
}
