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
using VpnGateway.Metering.Integration;
using VpnGateway.Metering.Publishing;
using VpnGateway.Metering.Sessions;
using VpnGateway.Metering.Signing;
using VpnGateway.Metering.Spool;
using VpnGateway.Sessions;

namespace VpnGateway.Metering;

/// <summary>Registers metering: the session meters, the spool, the signer and the publisher.</summary>
public static class MeteringHostingExtensions
{
    /// <summary>
    /// Adds metering to the gateway: the session observer that meters every session the tunnel starts, the policy's
    /// denial sink, the spool and, when <c>Bus:Url</c> is set (add the bus with <c>AddOracleBus</c>, which turns
    /// publisher confirms on), the publisher. Settings: section <c>Metering</c> (<see cref="MeteringOptions"/>); the
    /// gateway's Ethereum key from <c>Keys:EthereumKeystore</c> and <c>Keys:PasswordFile</c> (or <c>Chain:Keystore</c>,
    /// <c>Chain:PasswordFile</c>); the SessionManager's domain from <c>Chain:SessionManager</c> and <c>Chain:ChainId</c>
    /// (or the manifest <c>Chain:Manifest</c>).
    /// </summary>
    public static TBuilder AddMetering<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddOptions<MeteringOptions>().Bind(configuration.GetSection(MeteringOptions.Section));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<MeteringOptions>>().Value);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<MeteringMetrics>();
        services.AddSingleton(sp => EvidenceSpool.Open(sp.GetRequiredService<MeteringOptions>().SpoolPath));
        services.AddSingleton<IEvidenceSigner>(_ => CreateSigner(configuration));
        services.AddSingleton<ControlChannelTerminator>();
        services.TryAddSingleton<ISessionTerminator>(sp => sp.GetRequiredService<ControlChannelTerminator>());
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<MeteringOptions>();
            var loggers = sp.GetRequiredService<ILoggerFactory>();
            var signer = (KeyEvidenceSigner)sp.GetRequiredService<IEvidenceSigner>();
            return new MeteringContext(options, sp.GetRequiredService<EvidenceSpool>(), signer, signer.Domain, sp.GetRequiredService<ISessionTerminator>(),
                sp.GetRequiredService<MeteringMetrics>(), sp.GetRequiredService<TimeProvider>(), loggers,
                (name, sink) => TunCapture.Open(name, options.Capture, sink, loggers.CreateLogger<TunCapture>()));
        });
        services.AddSingleton(sp => new MeteringService(sp.GetRequiredService<MeteringContext>()));
        services.AddSingleton<IPolicyDenialSink>(sp => sp.GetRequiredService<MeteringService>());
        services.AddHostedService(sp => sp.GetRequiredService<MeteringService>());
        services.AddSingleton<ISessionObserver>(sp => new MeteringSessionObserver(sp.GetRequiredService<MeteringService>(), sp.GetRequiredService<MeteringOptions>(),
            sp.GetRequiredService<IEvidenceSigner>(), sp.GetRequiredService<ControlChannelTerminator>(), sp.GetRequiredService<ILoggerFactory>()));

        if (!string.IsNullOrEmpty(configuration[$"{BusOptions.Section}:{nameof(BusOptions.Url)}"]))
        {
            services.AddSingleton<IEvidenceBus>(sp => new MassTransitEvidenceBus(sp.GetRequiredService<IPublishEndpoint>()));
            services.AddHostedService(sp => new EvidencePublisher(sp.GetRequiredService<EvidenceSpool>(), sp.GetRequiredService<IEvidenceBus>(),
                sp.GetRequiredService<MeteringOptions>(), sp.GetRequiredService<MeteringMetrics>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<EvidencePublisher>>()));
        }

        return builder;
    }

    private static KeyEvidenceSigner CreateSigner(IConfiguration configuration)
    {
        var keystore = configuration["Keys:EthereumKeystore"] ?? configuration[$"{ChainOptions.Section}:{nameof(ChainOptions.Keystore)}"];
        var passwordFile = configuration["Keys:PasswordFile"] ?? configuration[$"{ChainOptions.Section}:{nameof(ChainOptions.PasswordFile)}"];
        if (string.IsNullOrEmpty(keystore))
        {
            throw new InvalidOperationException("metering signs evidence with the gateway's Ethereum key: set Keys:EthereumKeystore");
        }

        TypedDataDomain domain;
        if (configuration["Chain:SessionManager"] is { Length: > 0 } sessionManager)
        {
            var chainId = configuration["Chain:ChainId"] is { Length: > 0 } id ? ulong.Parse(id, System.Globalization.CultureInfo.InvariantCulture) : 31337UL;
            domain = TypedDataDomain.SessionManager(chainId, sessionManager);
        }
        else if (configuration[$"{ChainOptions.Section}:{nameof(ChainOptions.Manifest)}"] is { Length: > 0 } manifestPath)
        {
            var manifest = DeploymentManifest.Load(manifestPath);
            domain = TypedDataDomain.SessionManager(manifest.ChainId, manifest.AddressOf("SessionManager"));
        }
        else
        {
            throw new InvalidOperationException("metering signs under the SessionManager's EIP-712 domain: set Chain:SessionManager (and Chain:ChainId) or Chain:Manifest");
        }

        return new KeyEvidenceSigner(KeyStoreFile.LoadWithPasswordFile(keystore, passwordFile), domain);
    }
}
