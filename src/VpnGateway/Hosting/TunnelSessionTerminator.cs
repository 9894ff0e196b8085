using Microsoft.Extensions.DependencyInjection;
using VpnGateway.Sessions;

namespace VpnGateway.Hosting;

/// <summary>
/// The running engine's <see cref="ISessionTerminator"/>, for services built before the engine (metering's observer is
/// part of the engine's own construction, so the hosted engine is looked up only when a session is terminated).
/// </summary>
internal sealed class TunnelSessionTerminator(IServiceProvider services) : ISessionTerminator
{
    public bool Terminate(ulong sessionId, string reason, bool refuseReconnection)
        => services.GetRequiredService<GatewayHostedService>().Engine?.Terminate(sessionId, reason, refuseReconnection) ?? false;
}
