using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Oracle.Core.Policy;
using VpnGateway.Metering.Client;
using VpnGateway.Metering.Exchange;
using VpnGateway.Metering.Provider;
using VpnGateway.Metering.Sessions;
using VpnGateway.Metering.Spool;

namespace VpnGateway.Metering;

/// <summary>
/// The sessions this gateway meters, as provider or as client, swept together every
/// <see cref="MeteringOptions.SweepInterval"/>. The tunnel calls it at session start and end and hands it denied packets
/// (<see cref="IPolicyDenialSink"/>).
/// </summary>
public sealed class MeteringService : BackgroundService, IPolicyDenialSink, IPolicyRateLimitSink
{
    private readonly MeteringContext _context;
    private readonly ILogger<MeteringService> _logger;
    private readonly ConcurrentDictionary<ulong, ProviderSessionMeter> _providers = new();
    private readonly ConcurrentDictionary<ulong, ClientSessionMeter> _clients = new();

    internal MeteringService(MeteringContext context)
    {
        _context = context;
        _logger = context.Loggers.CreateLogger<MeteringService>();
    }

    /// <summary>Why session <paramref name="sessionId"/> may not start on this gateway (it already ended here), or null.</summary>
    public string? RefusalOf(ulong sessionId)
        => _context.Spool.SessionEndedAt(sessionId) is { } endedAt
            ? SessionAlreadyEndedException.Describe(sessionId, DateTimeOffset.FromUnixTimeMilliseconds(endedAt))
            : null;

    /// <summary>Whether a session that ended here left nothing unpaid: its last checkpoint answered with a voucher (or it owed none).</summary>
    public bool IsSettled(ulong sessionId) => _context.Spool.IsSettled(sessionId);

    /// <summary>Whether this gateway meters <paramref name="sessionId"/> as provider right now (its tunnel session runs).</summary>
    public bool IsProviding(ulong sessionId) => _providers.ContainsKey(sessionId);

    /// <summary>Starts metering a session this gateway provides (capture of its interface, evidence log, checkpoints).</summary>
    public async Task StartProviderSessionAsync(MeteredSession session, IEvidenceChannel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (_context.Spool.SessionEndedAt(session.SessionId) is { } endedAt)
        {
            // The tunnel ends a session whose metering cannot start: the client learns why and opens a new session.
            throw new SessionAlreadyEndedException(session.SessionId, DateTimeOffset.FromUnixTimeMilliseconds(endedAt));
        }

        // Before the first voucher can come: the session's vouchers are kept for settlement from the start.
        _context.Spool.TrackSettlement(session.SessionId, SettlementRole.Provider, session.OnChain);
        var meter = await ProviderSessionMeter.StartAsync(session, channel, _context, cancellationToken);
        if (!_providers.TryAdd(session.SessionId, meter))
        {
            await meter.DisposeAsync();
            throw new InvalidOperationException($"session {session.SessionId} is already metered");
        }

        _logger.LogInformation("metering session {Session} as provider (interface {Interface}, log continues at {Size} leaves)", session.SessionId, session.InterfaceName, meter.TreeSize);
    }

    /// <summary>Starts metering a session this gateway uses as client (own capture, checks the provider's evidence, signs vouchers).</summary>
    public async Task StartClientSessionAsync(MeteredSession session, IEvidenceChannel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        _context.Spool.TrackSettlement(session.SessionId, SettlementRole.Client, session.OnChain);
        var meter = await ClientSessionMeter.StartAsync(session, channel, _context, cancellationToken);
        if (!_clients.TryAdd(session.SessionId, meter))
        {
            await meter.DisposeAsync();
            throw new InvalidOperationException($"session {session.SessionId} is already metered");
        }

        _logger.LogInformation("metering session {Session} as client (interface {Interface})", session.SessionId, session.InterfaceName);
    }

    /// <summary>
    /// The session's evaluation context changed (the provider's protected networks): on the provider, the tunnel calls it
    /// when it enforces a new context, before it sends SessionInfo again; on the client, the observer calls it when that
    /// SessionInfo arrives. Records are then judged under every context of the session (docs/protocol.md §4.8, §5.3).
    /// </summary>
    public async Task AddPolicyContextAsync(ulong sessionId, PolicyContext context, CancellationToken cancellationToken)
    {
        if (_providers.TryGetValue(sessionId, out var provider))
        {
            await provider.AddPolicyContextAsync(context, cancellationToken);
        }

        if (_clients.TryGetValue(sessionId, out var client))
        {
            client.AddPolicyContext(context);
        }
    }

    /// <summary>
    /// The session is ending (no more data, the control channel still up): the provider closes every flow into a last
    /// checkpoint, sends it, and waits until the client answered it or <paramref name="cancellationToken"/> is cancelled
    /// (the tunnel's ending time). Nothing to do for a client: it keeps answering epochs until the session is gone.
    /// </summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="peerGone">The peer is gone (idle timeout): the last checkpoint is made but no answer is waited for.</param>
    /// <param name="cancellationToken">The end of the ending time.</param>
    public async Task EndingSessionAsync(ulong sessionId, bool peerGone, CancellationToken cancellationToken)
    {
        if (!_providers.TryGetValue(sessionId, out var provider))
        {
            return;
        }

        // Not cancellable: the last checkpoint is made and spooled whatever the time left.
        await provider.CloseAsync(sessionEnded: true, CancellationToken.None);
        if (!peerGone && !await provider.WaitForLastAnswerAsync(cancellationToken))
        {
            _logger.LogWarning("session {Session}: the client did not answer the last checkpoint before the session ended; it is published without a voucher", sessionId);
        }
    }

    /// <summary>
    /// The session is gone (its control channel too): the provider's meter closes (a last checkpoint if the ending did not
    /// make one) and the session's batches still waiting for a voucher are published now; the client stops metering.
    /// </summary>
    public async Task EndSessionAsync(ulong sessionId, CancellationToken cancellationToken)
    {
        if (_providers.TryRemove(sessionId, out var provider))
        {
            if (!provider.IsClosed)
            {
                await provider.CloseAsync(sessionEnded: true, cancellationToken);
            }

            await provider.DisposeAsync();
            _context.Spool.ReleaseSession(sessionId);
        }

        if (_clients.TryRemove(sessionId, out var client))
        {
            await client.DisposeAsync();
        }
    }

    /// <inheritdoc/>
    public void OnDenied(ulong sessionId, ReadOnlySpan<byte> ipPacket, uint ruleId, TrafficDirection direction, long unixTimeMilliseconds)
    {
        if (_providers.TryGetValue(sessionId, out var meter))
        {
            if (!meter.Flows.OnDenied(ipPacket, ruleId, direction, unixTimeMilliseconds))
            {
                _context.Metrics.Add(MeteringCounters.MalformedPackets, reason: "Denied");
            }
        }
    }

    /// <inheritdoc/>
    public void OnRateLimited(ulong sessionId, ReadOnlySpan<byte> ipPacket, TrafficDirection direction, long unixTimeMilliseconds)
    {
        if (_providers.TryGetValue(sessionId, out var meter))
        {
            meter.Flows.OnRateLimited(ipPacket, direction, unixTimeMilliseconds);
        }
    }

    /// <summary>One sweep of every session (flow timeouts, epochs, cut-offs); the loop calls it, tests call it directly.</summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        foreach (var capture in _context.Captures)
        {
            capture.ReportTo(_context.Metrics);
        }

        foreach (var (id, meter) in _providers)
        {
            try
            {
                await meter.TickAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogError(e, "metering sweep of session {Session} failed", id);
            }
        }

        foreach (var (id, meter) in _clients)
        {
            try
            {
                await meter.TickAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogError(e, "metering sweep of session {Session} failed", id);
            }
        }
    }

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);

        // Normally the tunnel has ended every session before this (each ending closes its meter for good). A meter still
        // here puts its open flows into a last signed checkpoint and keeps its log in the spool, so that it continues
        // after a restart.
        foreach (var (_, meter) in _providers)
        {
            if (!meter.IsClosed)
            {
                await meter.CloseAsync(sessionEnded: false, cancellationToken);
            }

            await meter.DisposeAsync();
        }

        foreach (var (_, meter) in _clients)
        {
            await meter.DisposeAsync();
        }

        _providers.Clear();
        _clients.Clear();
        _context.CloseCaptures();
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_context.Options.SweepInterval, _context.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SweepAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
