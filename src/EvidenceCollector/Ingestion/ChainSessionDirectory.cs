using System.Collections.Concurrent;
using Oracle.Chain;
using Oracle.Chain.Deployment;
using Oracle.Chain.Sessions;

namespace EvidenceCollector.Ingestion;

/// <summary>
/// Sessions from the SessionManager (<see cref="SessionReader"/>: the SessionOpened terms, checked against the
/// contract's commitment). A session's parties never change, so a found session is remembered; an unknown id is
/// remembered for a short while, so a flood of batches naming made-up sessions costs one log query per id and minute.
/// Concurrent lookups of one id share one query.
/// </summary>
internal sealed class ChainSessionDirectory(ChainContext chain, TimeProvider time) : ISessionDirectory
{
    private const int MaxRemembered = 100_000;
    private static readonly TimeSpan UnknownFor = TimeSpan.FromMinutes(1);
    private readonly SessionReader _reader = new(chain.Web3, chain.AddressOf(ContractNames.SessionManager), chain.DeploymentBlock(ContractNames.SessionManager), chain.MaxLogRange);
    private readonly ConcurrentDictionary<ulong, OnChainSession> _known = new();
    private readonly ConcurrentDictionary<ulong, DateTimeOffset> _unknown = new();
    private readonly ConcurrentDictionary<ulong, Lazy<Task<OnChainSession?>>> _pending = new();

    /// <inheritdoc />
    public async Task<OnChainSession?> FindAsync(ulong sessionId, CancellationToken cancellationToken)
    {
        if (_known.TryGetValue(sessionId, out var session))
        {
            return session;
        }

        if (_unknown.TryGetValue(sessionId, out var until) && until > time.GetUtcNow())
        {
            return null;
        }

        var lookup = _pending.GetOrAdd(sessionId, id => new Lazy<Task<OnChainSession?>>(() => ReadAsync(id)));
        try
        {
            return await lookup.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(new KeyValuePair<ulong, Lazy<Task<OnChainSession?>>>(sessionId, lookup));
        }
    }

    private async Task<OnChainSession?> ReadAsync(ulong sessionId)
    {
        // Not cancelled by one caller: others may be waiting for the same answer.
        var found = await _reader.FindAsync(sessionId, CancellationToken.None).ConfigureAwait(false);
        if (_known.Count + _unknown.Count > MaxRemembered)
        {
            _known.Clear();
            _unknown.Clear();
        }

        if (found is not { } f)
        {
            _unknown[sessionId] = time.GetUtcNow() + UnknownFor;
            return null;
        }

        var session = new OnChainSession(sessionId, f.Record.Terms.Provider, f.Record.Terms.Client, f.Record.Terms.OpenedAt);
        _known[sessionId] = session;
        _unknown.TryRemove(sessionId, out _);
        return session;
    }
}
