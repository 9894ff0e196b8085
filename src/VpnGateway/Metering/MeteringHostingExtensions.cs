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

/// <summary>Registers metering: the session meters, the spool, the signer, the session terms and the publisher.</summary>
public static class MeteringHostingExtensions
{
    /// <summary>
    /// Adds metering to the gateway: the session observer that meters every session the tunnel starts, the policy's
    /// denial and rate-limit sinks, the spool and, when <c>Bus:Url</c> is set (add the bus with <c>AddOracleBus</c>, which
    /// turns publisher confirms on), the publisher and its acknowledgement queue. Settings: section <c>Metering</c>
    /// (<see cref="MeteringOptions"/>); the gateway's Ethereum key from <c>Keys:EthereumKeystore</c> and
    /// <c>Keys:PasswordFile</c> (or <c>Chain:Keystore</c>, <c>Chain:PasswordFile</c>); the SessionManager's domain from
    /// <c>Chain:SessionManager</c> and <c>Chain:ChainId</c> (or the manifest <c>Chain:Manifest</c>); on-chain session terms
    /// through <c>Chain:RpcUrl</c> and <c>Chain:ProviderRegistry</c> (or the manifest). The host needs an
    /// <see cref="ISessionTerminator"/> (the tunnel registers one). Register metering before the tunnel, so the host stops
    /// the tunnel first and every session's last epoch is exchanged while metering still runs.
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
        services.AddSingleton<IPolicyRateLimitSink>(sp => sp.GetRequiredService<MeteringService>());
        services.AddHostedService(sp => sp.GetRequiredService<MeteringService>());
        services.AddSingleton(sp => CreateTermsSource(configuration, sp.GetRequiredService<MeteringOptions>(), sp.GetRequiredService<IEvidenceSigner>().Address,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<MeteringService>()));
        services.AddSingleton<ISessionObserver>(sp => new MeteringSessionObserver(sp.GetRequiredService<MeteringService>(), sp.GetRequiredService<ISessionTermsSource>(),
            sp.GetRequiredService<ISessionTerminator>(), sp.GetRequiredService<ILoggerFactory>()));

        if (!string.IsNullOrEmpty(configuration[$"{BusOptions.Section}:{nameof(BusOptions.Url)}"]))
        {
            services.AddSingleton<IEvidenceBus>(sp =>
            {
                var queue = sp.GetRequiredService<MeteringOptions>().AcknowledgementQueue is { Length: > 0 } configured
                    ? configured
                    : $"evidence-acks-{sp.GetRequiredService<EvidenceSpool>().Id:N}";
                return new MassTransitEvidenceBus(sp.GetRequiredService<IBus>(), queue);
            });
            services.AddHostedService(sp => new EvidencePublisher(sp.GetRequiredService<EvidenceSpool>(), sp.GetRequiredService<IEvidenceBus>(),
                sp.GetRequiredService<MeteringOptions>(), sp.GetRequiredService<MeteringMetrics>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<EvidencePublisher>>()));
        }

        return builder;
    }

    /// <summary>
    /// On-chain terms where the gateway runs with the chain directory (a provider with <c>Serve:Directory=chain</c>, a
    /// client with <c>Chain:RpcUrl</c>), unless <c>Metering:SessionTerms</c> says otherwise; the configuration for pinned links.
    /// </summary>
    private static ISessionTermsSource CreateTermsSource(IConfiguration configuration, MeteringOptions options, string signerAddress, ILogger logger)
    {
        var mode = options.SessionTerms.ToLowerInvariant();
        if (mode is not ("auto" or "chain" or "configuration"))
        {
            throw new InvalidOperationException($"Metering:SessionTerms '{options.SessionTerms}' is neither auto, chain nor configuration");
        }

        var rpc = configuration["Chain:RpcUrl"];
        var providerOnChain = mode == "chain" || (mode == "auto" && string.Equals(configuration["Serve:Directory"], "chain", StringComparison.OrdinalIgnoreCase));
        var clientOnChain = mode == "chain" || (mode == "auto" && !string.IsNullOrEmpty(rpc));
        var configured = new ConfiguredSessionTerms(options, signerAddress);
        if (!providerOnChain && !clientOnChain)
        {
            return configured;
        }

        if (string.IsNullOrEmpty(rpc))
        {
            throw new InvalidOperationException("metering reads on-chain session terms: set Chain:RpcUrl (or Metering:SessionTerms=configuration for pinned links)");
        }

        var (sessionManager, registry) = ContractAddresses(configuration);
        if (configuration[$"{MeteringOptions.Section}:{nameof(MeteringOptions.PricePerMiB)}"] is { Length: > 0 } || !string.IsNullOrEmpty(options.ProviderAddress))
        {
            logger.LogInformation("Metering:PricePerMiB and Metering:ProviderAddress apply to pinned links only; on-chain sessions take their price and provider from the SessionManager");
        }

        var chain = new ChainSessionTerms(new Nethereum.Web3.Web3(rpc), sessionManager, registry, signerAddress);
        return new RoleSessionTerms(providerOnChain ? chain : configured, clientOnChain ? chain : configured);
    }

    private static (string SessionManager, string ProviderRegistry) ContractAddresses(IConfiguration configuration)
    {
        var sessionManager = configuration["Chain:SessionManager"];
        var registry = configuration["Chain:ProviderRegistry"];
        if ((string.IsNullOrEmpty(sessionManager) || string.IsNullOrEmpty(registry))
            && configuration[$"{ChainOptions.Section}:{nameof(ChainOptions.Manifest)}"] is { Length: > 0 } manifestPath)
        {
            var manifest = DeploymentManifest.Load(manifestPath);
            sessionManager = string.IsNullOrEmpty(sessionManager) ? manifest.AddressOf("SessionManager") : sessionManager;
            registry = string.IsNullOrEmpty(registry) ? manifest.AddressOf("ProviderRegistry") : registry;
        }

        if (string.IsNullOrEmpty(sessionManager) || string.IsNullOrEmpty(registry))
        {
            throw new InvalidOperationException("metering reads on-chain session terms: set Chain:SessionManager and Chain:ProviderRegistry (or Chain:Manifest)");
        }

        return (sessionManager, registry);
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
