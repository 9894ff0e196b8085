using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VpnGateway.Diagnostics;
using VpnGateway.Tunnel;

namespace VpnGateway.Hosting;

/// <summary><c>GET /status</c>: the sessions and counters, as JSON (what <c>vpngateway status</c> prints).</summary>
internal static class StatusEndpoint
{
    public static WebApplication MapGatewayStatus(this WebApplication app)
    {
        app.MapGet("/status", (GatewayHostedService hosted, GatewayMetrics metrics, TimeProvider time) =>
        {
            var engine = hosted.Engine;
            var now = time.GetTimestamp();
            return Results.Json(new GatewayStatus(
                engine?.Role.ToString() ?? "starting",
                engine?.HandshakesCompleted ?? 0,
                engine is null ? [] : [.. engine.Sessions.Select(s => new SessionStatus(
                    s.SessionId,
                    s.Info?.InterfaceName,
                    s.ClientAddress,
                    s.Info is null ? [] : [.. s.Info.ClientPrefixes.Select(p => p.ToString())],
                    s.Endpoint?.ToString(),
                    s.RxBytes, s.TxBytes, s.RxPackets, s.TxPackets,
                    s.Current is { } k ? time.GetElapsedTime(k.Created, now).TotalSeconds : null,
                    s.Info?.PolicyHash,
                    s.Policy?.Denied ?? 0,
                    s.Policy?.RateLimited ?? 0))],
                engine?.Drops.Snapshot() ?? new Dictionary<string, long>(),
                metrics.DenialsByRule().ToDictionary(p => p.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), p => p.Value)));
        });
        return app;
    }
}
