using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VpnGateway.Sessions;
using VpnGateway.Settlement;
using VpnGateway.Tunnel;

namespace VpnGateway.Hosting;

/// <summary>Runs the server or client engine for the host's lifetime and tears everything down on stop.</summary>
internal sealed class GatewayHostedService(GatewayFactory factory, GatewayRole role, IHostApplicationLifetime lifetime, ILogger<GatewayHostedService> logger,
    IServiceProvider services)
    : BackgroundService
{
    public TunnelEngine? Engine { get; private set; }

    /// <summary>The exit code of a client whose session the provider closed (or that ended it itself, as in a dispute).</summary>
    public const int SessionClosedExitCode = 3;

    public int ExitCode { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        IAsyncDisposable? network = null;
        ClientSessionCloser? closer = null;
        try
        {
            if (role == GatewayRole.Provider)
            {
                var (server, enableNetwork) = factory.CreateServer();
                Engine = server;
                network = await enableNetwork(stoppingToken).ConfigureAwait(false);
                await server.StartAsync(stoppingToken).ConfigureAwait(false);
            }
            else
            {
                closer = services.GetService(typeof(ClientSessionCloser)) as ClientSessionCloser;
                if (closer is not null)
                {
                    // Closes an earlier run left unfinished (their challenge window is over): finalized now.
                    await closer.FinishPendingAsync(stoppingToken).ConfigureAwait(false);
                }

                var client = await factory.CreateClientAsync(stoppingToken).ConfigureAwait(false);
                Engine = client;
                network = await factory.EnableClientForwardingAsync(stoppingToken).ConfigureAwait(false);
                await client.ConnectAsync(stoppingToken).ConfigureAwait(false);

                // The client lives for its one session: when the provider closes it (or this side terminated it), stop.
                var (reason, detail) = await client.Closed.WaitAsync(stoppingToken).ConfigureAwait(false);
                logger.LogError("session ended ({Reason}): {Detail}", reason, detail);
                ExitCode = SessionClosedExitCode;
                lifetime.StopApplication();
                return;
            }

            await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogCritical("{Message}", e.Message);
            logger.LogDebug(e, "startup failure");
            ExitCode = e is GatewayConfigurationException ? Commands.GatewayHost.ConfigurationErrorExitCode : 1;
            lifetime.StopApplication();
        }
        finally
        {
            var sessionId = (Engine as GatewayClient)?.SessionId ?? 0;
            if (Engine is not null)
            {
                await Engine.DisposeAsync().ConfigureAwait(false);
            }

            if (closer is not null && sessionId != 0)
            {
                // The session ended (the engine's disposal ends it with its last voucher): close it on-chain, bounded so a
                // chain that does not answer never holds the exit (the spool remembers it for the next start).
                using var bound = new CancellationTokenSource(closer.Bound);
                try
                {
                    await closer.CloseAsync(sessionId, bound.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    logger.LogWarning("session {Session}: closing it on-chain did not finish in time; the next connect on this spool continues", sessionId);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    logger.LogError(e, "session {Session}: closing it on-chain failed ({Message}); the next connect on this spool tries again (or `oracle session start-close`)",
                        sessionId, e.Message);
                }
            }

            if (network is not null)
            {
                await network.DisposeAsync().ConfigureAwait(false);
            }

            logger.LogInformation("stopped; devices, routes and rules removed");
        }
    }
}
