using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Oracle.Core.Policy;
using VpnGateway.Metering.Client;
using VpnGateway.Metering.Exchange;
using VpnGateway.Metering.Provider;
using VpnGateway.Metering.Sessions;

namespace VpnGateway.Metering;

/// <summary>
/// The sessions this gateway meters, as provider or as client, swept together every
/// <see cref="MeteringOptions.SweepInterval"/>. The tunnel calls it at session start and end and hands it denied packets
/// (<see cref="IPolicyDenialSink"/>).
/// </summary>
public sealed class MeteringService : BackgroundService, IPolicyDenialSink
{
    private readonly MeteringContext _context;
    private readonly ILogger<MeteringService> _logger;
    private readonly ConcurrentDictionary<ulong, ProviderSessionMeter> _providers = new();
    private readonly ConcurrentDictionary<ulong, ClientSessionMeter> _clients = new();
    private readonly ConcurrentDictionary<ulong, long> _ending = new();

    internal MeteringService(MeteringContext context)
    {
        _context = context;
        _logger = context.Loggers.CreateLogger<MeteringService>();
    }

    /// <summary>Starts metering a session this gateway provides (capture of its interface, evidence log, checkpoints).</summary>
    public async Task StartProviderSessionAsync(MeteredSession session, IEvidenceChannel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
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
        var meter = await ClientSessionMeter.StartAsync(session, channel, _context, cancellationToken);
        if (!_clients.TryAdd(session.SessionId, meter))
        {
            await meter.DisposeAsync();
            throw new InvalidOperationException($"session {session.SessionId} is already metered");
        }

        _logger.LogInformation("metering session {Session} as client (interface {Interface})", session.SessionId, session.InterfaceName);
    }

    /// <summary>
    /// The session ended: the provider closes every flow into a last checkpoint and keeps listening for its voucher for
    /// <see cref="MeteringOptions.VoucherGrace"/>; the client stops metering.
    /// </summary>
    public async Task EndSessionAsync(ulong sessionId, CancellationToken cancellationToken)
    {
        if (_providers.TryGetValue(sessionId, out var provider))
        {
            await provider.CloseAsync(sessionEnded: true, cancellationToken);
            _ending[sessionId] = _context.Time.GetUtcNow().ToUnixTimeMilliseconds() + (long)_context.Options.VoucherGrace.TotalMilliseconds;
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

    /// <summary>One sweep of every session (flow timeouts, epochs, cut-offs); the loop calls it, tests call it directly.</summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        foreach (var (id, meter) in _providers)
        {
            try
            {
                await meter.TickAsync(cancellationToken);
                if (_ending.TryGetValue(id, out var deadline) && (meter.IsSettled || _context.Time.GetUtcNow().ToUnixTimeMilliseconds() >= deadline))
                {
                    _ending.TryRemove(id, out _);
                    _providers.TryRemove(id, out _);
                    await meter.DisposeAsync();
                }
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

        // A graceful stop loses nothing: every open flow goes into a last signed checkpoint, and the sessions' logs
        // stay in the spool so they continue after a restart.
        foreach (var (_, meter) in _providers)
        {
            await meter.CloseAsync(sessionEnded: _ending.ContainsKey(meter.SessionId), cancellationToken);
            await meter.DisposeAsync();
        }

        foreach (var (_, meter) in _clients)
        {
            await meter.DisposeAsync();
        }

        _providers.Clear();
        _clients.Clear();
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
