using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Oracle.Chain.Deployment;
using Oracle.Chain.Keys;
using Oracle.Core.Eip712;
using Oracle.Core.Policy;
using Oracle.Hosting;
using VpnGateway.Metering.Capture;
using VpnGateway.Metering.Publishing;
using VpnGateway.Metering.Sessions;
using VpnGateway.Metering.Signing;
using VpnGateway.Metering.Spool;

namespace VpnGateway.Metering;

/// <summary>Registers metering: the session meters, the spool, the signer and the publisher.</summary>
public static class MeteringHostingExtensions
{
    /// <summary>
    /// Adds metering to the gateway. Needs section <c>Metering</c> (<see cref="MeteringOptions"/>), <c>Chain</c>
    /// (keystore, password file, deployment manifest: the key signs under the manifest's SessionManager domain), the
    /// bus (<c>AddOracleDependencies(... | OracleDependencies.Bus)</c>, which turns publisher confirms on) and an
    /// <see cref="ISessionTerminator"/> registered by the tunnel.
    /// </summary>
    public static TBuilder AddMetering<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<MeteringOptions>().Bind(builder.Configuration.GetSection(MeteringOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<MeteringMetrics>();
        services.AddSingleton(sp => EvidenceSpool.Open(sp.GetRequiredService<IOptions<MeteringOptions>>().Value.SpoolPath));
        services.AddSingleton<IEvidenceSigner>(sp => CreateSigner(sp.GetRequiredService<IOptions<ChainOptions>>().Value));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<MeteringOptions>>().Value;
            var loggers = sp.GetRequiredService<ILoggerFactory>();
            var signer = (KeyEvidenceSigner)sp.GetRequiredService<IEvidenceSigner>();
            return new MeteringContext(options, sp.GetRequiredService<EvidenceSpool>(), signer, signer.Domain, sp.GetRequiredService<ISessionTerminator>(),
                sp.GetRequiredService<MeteringMetrics>(), sp.GetRequiredService<TimeProvider>(), loggers,
                (name, sink) => TunCapture.Open(name, options.Capture, sink, loggers.CreateLogger<TunCapture>()));
        });
        services.AddSingleton(sp => new MeteringService(sp.GetRequiredService<MeteringContext>()));
        services.AddSingleton<IPolicyDenialSink>(sp => sp.GetRequiredService<MeteringService>());
        services.AddHostedService(sp => sp.GetRequiredService<MeteringService>());

        services.AddSingleton<IEvidenceBus>(sp => new MassTransitEvidenceBus(sp.GetRequiredService<IPublishEndpoint>()));
        services.AddHostedService(sp => new EvidencePublisher(sp.GetRequiredService<EvidenceSpool>(), sp.GetRequiredService<IEvidenceBus>(),
            sp.GetRequiredService<IOptions<MeteringOptions>>().Value, sp.GetRequiredService<MeteringMetrics>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<EvidencePublisher>>()));
        return builder;
    }

    private static KeyEvidenceSigner CreateSigner(ChainOptions chain)
    {
        if (string.IsNullOrEmpty(chain.Keystore) || string.IsNullOrEmpty(chain.Manifest))
        {
            throw new InvalidOperationException("metering signs evidence with the gateway's key: set Chain:Keystore and Chain:Manifest");
        }

        var manifest = DeploymentManifest.Load(chain.Manifest);
        var key = KeyStoreFile.LoadWithPasswordFile(chain.Keystore, chain.PasswordFile);
        return new KeyEvidenceSigner(key, TypedDataDomain.SessionManager(manifest.ChainId, manifest.AddressOf("SessionManager")));
    }
}
