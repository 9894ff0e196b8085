using System.Collections.Concurrent;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Util;
using Nethereum.Web3;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Errors;

namespace VpnGateway.Providers;

/// <summary>
/// The directory on-chain: a provider's tunnel key and endpoint from the ProviderRegistry, a session's parties and
/// policy hash from its SessionOpened event (the SessionManager keeps only a hash of the terms) and its status from
/// <c>sessionState</c>; a session counts as open while its status is Open and <c>openedAt + maxSessionDuration()</c> has
/// not passed (docs/protocol.md §7.2). The opening facts never change and are cached for good; the status is cached for
/// <paramref name="statusTtl"/> so that rekeys every two minutes do not each cost a call. A session id the contract does
/// not know costs one call (its state, before any log search) and is remembered as unknown for
/// <see cref="UnknownSessionTtl"/>, so handshakes for made-up sessions cannot keep the handshake worker busy with log
/// searches; the log search (backwards from the head, <paramref name="maxLogRange"/> blocks per request) stops at
/// <paramref name="fromBlock"/> (the SessionManager's deployment block).
/// </summary>
public sealed class ChainProviderDirectory(IWeb3 web3, string providerRegistry, string sessionManager, TimeProvider time, TimeSpan? statusTtl = null, ulong fromBlock = 0,
    ulong maxLogRange = Oracle.Chain.Events.LogRangeReader.DefaultMaxRange)
    : IProviderDirectory
{
    /// <summary>How long a session id the contract does not know is answered from memory.</summary>
    public static readonly TimeSpan UnknownSessionTtl = TimeSpan.FromSeconds(30);

    private const byte ProviderActive = 1;
    private const byte SessionNone = 0;
    private const byte SessionOpen = 1;

    private readonly ProviderRegistryService _registry = new(web3, providerRegistry);
    private readonly SessionManagerService _sessions = new(web3, sessionManager);
    private readonly ConcurrentDictionary<ulong, Session> _opened = new();
    private readonly Oracle.Chain.Sessions.SessionReader _reader = new(web3, sessionManager, fromBlock, maxLogRange);
    private readonly ConcurrentDictionary<ulong, (bool Open, long At)> _status = new();
    private readonly ConcurrentDictionary<ulong, long> _unknown = new();
    private readonly TimeSpan _statusTtl = statusTtl ?? TimeSpan.FromSeconds(15);
    private ulong? _maxSessionDuration;

    /// <inheritdoc />
    public async ValueTask<Lookup<ProviderRecord>> GetProviderAsync(string providerAddress, CancellationToken cancellationToken)
    {
        try
        {
            var provider = (await _registry.GetProviderQueryAsync(providerAddress, null, cancellationToken).ConfigureAwait(false)).P;
            if (provider.Status == 0)
            {
                return Lookup<ProviderRecord>.NotFound($"{providerAddress} is not a registered provider");
            }

            return Lookup<ProviderRecord>.Found(new ProviderRecord(AddressUtil.Current.ConvertToChecksumAddress(providerAddress),
                provider.Info.TunnelPublicKey, provider.Info.Endpoint, provider.Status == ProviderActive));
        }
        catch (Exception e) when (ChainErrors.IsUnavailable(e))
        {
            return Lookup<ProviderRecord>.Unavailable(e.Message);
        }
    }

    /// <inheritdoc />
    public async ValueTask<Lookup<SessionRecord>> GetSessionAsync(ulong sessionId, CancellationToken cancellationToken)
    {
        try
        {
            if (!_opened.TryGetValue(sessionId, out var opened))
            {
                if (_unknown.TryGetValue(sessionId, out var since) && time.GetElapsedTime(since) < UnknownSessionTtl)
                {
                    return Lookup<SessionRecord>.NotFound($"no session {sessionId} on the SessionManager");
                }

                // One cheap call first: an id the contract never opened needs no log search.
                if ((await _sessions.SessionStateQueryAsync(sessionId, null, cancellationToken).ConfigureAwait(false)).State.Status == SessionNone)
                {
                    ForgetUnknownSessions();
                    _unknown[sessionId] = time.GetTimestamp();
                    return Lookup<SessionRecord>.NotFound($"no session {sessionId} on the SessionManager");
                }

                // The reader checks the event's terms against the contract's commitment (a node cannot lie about them).
                var found = await _reader.FindAsync(sessionId, cancellationToken).ConfigureAwait(false);
                if (found is null)
                {
                    return Lookup<SessionRecord>.NotFound($"no SessionOpened event for session {sessionId}");
                }

                opened = found.Value.Record.Terms;
                _opened[sessionId] = opened;
                _status[sessionId] = (found.Value.State.Status == SessionOpen, time.GetTimestamp());
            }

            _maxSessionDuration ??= await _sessions.MaxSessionDurationQueryAsync(null, cancellationToken).ConfigureAwait(false);
            var expired = (ulong)time.GetUtcNow().ToUnixTimeSeconds() >= opened.OpenedAt + _maxSessionDuration.Value;
            var now = time.GetTimestamp();
            if (!_status.TryGetValue(sessionId, out var status) || time.GetElapsedTime(status.At, now) > _statusTtl)
            {
                var state = (await _sessions.SessionStateQueryAsync(sessionId, null, cancellationToken).ConfigureAwait(false)).State;
                status = (state.Status == SessionOpen, now);
                _status[sessionId] = status;
            }

            return Lookup<SessionRecord>.Found(new SessionRecord(sessionId,
                AddressUtil.Current.ConvertToChecksumAddress(opened.Client),
                AddressUtil.Current.ConvertToChecksumAddress(opened.Provider),
                opened.PolicyHash, status.Open && !expired));
        }
        catch (Exception e) when (ChainErrors.IsUnavailable(e))
        {
            return Lookup<SessionRecord>.Unavailable(e.Message);
        }
        catch (InvalidDataException e)
        {
            return Lookup<SessionRecord>.Unavailable(e.Message);
        }
    }

    // Bounded memory whatever ids a flood makes up: past this many, expired entries go (all of them, if none expired).
    private void ForgetUnknownSessions()
    {
        if (_unknown.Count < 4096)
        {
            return;
        }

        foreach (var (id, since) in _unknown)
        {
            if (time.GetElapsedTime(since) >= UnknownSessionTtl)
            {
                _unknown.TryRemove(id, out _);
            }
        }

        if (_unknown.Count >= 4096)
        {
            _unknown.Clear();
        }
    }
}
