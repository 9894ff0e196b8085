using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Oracle.Chain;
using Oracle.Chain.Deployment;
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
    /// (<see cref="MeteringOptions"/>); everything about the chain — the gateway's Ethereum key, the SessionManager's
    /// EIP-712 domain (chain id and address), the node for on-chain session terms — from the process's
    /// <see cref="ChainContext"/> (section <c>Chain</c>), which the host must register. The host needs an
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
        services.AddSingleton<IEvidenceSigner>(sp => CreateSigner(sp.GetService<ChainContext>()));
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
        services.AddSingleton(sp => CreateTermsSource(configuration, sp.GetService<ChainContext>(), sp.GetRequiredService<MeteringOptions>(),
            sp.GetRequiredService<IEvidenceSigner>().Address, sp.GetRequiredService<ILoggerFactory>().CreateLogger<MeteringService>()));
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
    private static ISessionTermsSource CreateTermsSource(IConfiguration configuration, ChainContext? chain, MeteringOptions options, string signerAddress, ILogger logger)
    {
        var mode = options.SessionTerms.ToLowerInvariant();
        if (mode is not ("auto" or "chain" or "configuration"))
        {
            throw new InvalidOperationException($"Metering:SessionTerms '{options.SessionTerms}' is neither auto, chain nor configuration");
        }

        var online = chain?.IsOnline == true;
        var providerOnChain = mode == "chain" || (mode == "auto" && string.Equals(configuration["Serve:Directory"], "chain", StringComparison.OrdinalIgnoreCase));
        var clientOnChain = mode == "chain" || (mode == "auto" && online);
        var configured = new ConfiguredSessionTerms(options, signerAddress);
        if (!providerOnChain && !clientOnChain)
        {
            return configured;
        }

        if (!online)
        {
            throw new InvalidOperationException("metering reads on-chain session terms: set Chain:RpcUrl (or Metering:SessionTerms=configuration for pinned links)");
        }

        if (configuration[$"{MeteringOptions.Section}:{nameof(MeteringOptions.PricePerMiB)}"] is { Length: > 0 } || !string.IsNullOrEmpty(options.ProviderAddress))
        {
            logger.LogInformation("Metering:PricePerMiB and Metering:ProviderAddress apply to pinned links only; on-chain sessions take their price and provider from the SessionManager");
        }

        var terms = new ChainSessionTerms(chain!.Web3, chain.AddressOf(ContractNames.SessionManager), chain.AddressOf(ContractNames.ProviderRegistry), signerAddress,
            chain.DeploymentBlock(ContractNames.SessionManager), chain.MaxLogRange);
        return new RoleSessionTerms(providerOnChain ? terms : configured, clientOnChain ? terms : configured);
    }

    private static KeyEvidenceSigner CreateSigner(ChainContext? chain)
    {
        if (chain is null)
        {
            throw new InvalidOperationException("metering signs evidence with the gateway's Ethereum key under the SessionManager's EIP-712 domain: "
                + "set Chain:Keystore and Chain:Manifest (or Chain:ChainId and Chain:Contracts:SessionManager for a pinned link without a chain node)");
        }

        var key = chain.RequireSigner("metering signs checkpoints and vouchers");
        return new KeyEvidenceSigner(key, chain.SessionManagerDomain);
    }
}
