using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using VpnGateway.Diagnostics;
using VpnGateway.Sessions;

namespace VpnGateway.Hosting;

/// <summary>Registration of the gateway: configuration, metrics, the engine factory and the hosted engine.</summary>
internal static class GatewayServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddVpnGateway(this IHostApplicationBuilder builder, GatewayRole role)
    {
        builder.Services.Configure<GatewayConfiguration>(builder.Configuration);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.Services.AddSingleton<GatewayFactory>();
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<GatewayHostedService>(sp, role));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GatewayHostedService>());
        builder.Services.TryAddSingleton<ISessionTerminator, TunnelSessionTerminator>();
        return builder;
    }
}
