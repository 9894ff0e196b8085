using Nethereum.Util;

namespace VpnGateway.Providers;

/// <summary>
/// A directory from the configuration file: providers and sessions whose operators agreed on them out of band (a
/// site-to-site link between two companies pins each other's tunnel keys; a devnet pins what it deployed).
/// </summary>
public sealed class PinnedProviderDirectory : IProviderDirectory
{
    private readonly Dictionary<string, ProviderRecord> _providers = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<ulong, SessionRecord> _sessions = [];

    /// <summary>Creates the directory from its records.</summary>
    public PinnedProviderDirectory(IEnumerable<ProviderRecord> providers, IEnumerable<SessionRecord> sessions)
    {
        ArgumentNullException.ThrowIfNull(providers);
        ArgumentNullException.ThrowIfNull(sessions);
        foreach (var provider in providers)
        {
            _providers[AddressUtil.Current.ConvertToChecksumAddress(provider.Address)] = provider;
        }

        foreach (var session in sessions)
        {
            if (!_sessions.TryAdd(session.SessionId, session))
            {
                throw new ArgumentException($"session {session.SessionId} is pinned twice");
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<Lookup<ProviderRecord>> GetProviderAsync(string providerAddress, CancellationToken cancellationToken)
        => ValueTask.FromResult(_providers.TryGetValue(AddressUtil.Current.ConvertToChecksumAddress(providerAddress), out var provider)
            ? Lookup<ProviderRecord>.Found(provider)
            : Lookup<ProviderRecord>.NotFound($"provider {providerAddress} is not pinned in the configuration"));

    /// <inheritdoc />
    /// <remarks>A renewable link's later generations (<see cref="SessionRecord.GenerationId"/>) are its sessions too.</remarks>
    public ValueTask<Lookup<SessionRecord>> GetSessionAsync(ulong sessionId, CancellationToken cancellationToken)
    {
        if (_sessions.TryGetValue(sessionId, out var session))
        {
            return ValueTask.FromResult(Lookup<SessionRecord>.Found(session));
        }

        var (link, generation) = SessionRecord.SplitGeneration(sessionId);
        return ValueTask.FromResult(generation > 0 && _sessions.TryGetValue(link, out var linked) && linked.Renewal != SessionRenewal.None
            ? Lookup<SessionRecord>.Found(linked with { SessionId = sessionId })
            : Lookup<SessionRecord>.NotFound($"session {sessionId} is not pinned in the configuration"));
    }
}
