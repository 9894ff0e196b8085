using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Oracle.Chain;
using Oracle.Chain.Deployment;
using Oracle.Chain.Events;
using Oracle.Chain.Model;
using Oracle.Chain.Transactions;
using Oracle.Storage.ChainCursors;
using VpnGateway.Metering;
using VpnGateway.Metering.Spool;
using VpnGateway.Sessions;

namespace VpnGateway.Settlement;

/// <summary>Registers on-chain settlement (section <c>Settlement</c>, <see cref="SettlementOptions"/>).</summary>
internal static class SettlementHostingExtensions
{
    /// <summary>
    /// Adds settlement when the gateway meters on-chain sessions and can send transactions (a chain node and the
    /// gateway's key: <paramref name="chain"/> online with a signer, whose <see cref="ITransactionSender"/> the chain
    /// registration added) and <c>Settlement:Enabled</c> is not false: a provider's <see cref="ProviderSettlement"/>
    /// (with a chain watcher for clients' closes), a client's <see cref="ClientSessionCloser"/>. Call after
    /// <c>AddMetering</c> and before the tunnel, so the tunnel's sessions end before settlement's last pass.
    /// </summary>
    /// <returns>Whether settlement was added (and why not, for the log, when it was not).</returns>
    public static (bool Added, string? Reason) AddSettlement(this IHostApplicationBuilder builder, GatewayRole role, ChainContext? chain)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(SettlementOptions.Section);
        builder.Services.AddOptions<SettlementOptions>().Bind(section);
        SettlementOptions options;
        try
        {
            options = section.Get<SettlementOptions>() ?? new SettlementOptions();
            _ = options.ThresholdAmount;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new VpnGateway.Hosting.GatewayConfigurationException(e.Message, e);
        }

        if (options.Interval <= TimeSpan.Zero || options.RetryDelay <= TimeSpan.Zero || options.MaxRetryDelay < options.RetryDelay
            || options.SettleBeforeExpiry < TimeSpan.Zero || options.CooperativeCloseWait < TimeSpan.Zero || options.FinalizeWait < TimeSpan.Zero)
        {
            throw new VpnGateway.Hosting.GatewayConfigurationException(
                "Settlement: Interval and RetryDelay must be positive, MaxRetryDelay at least RetryDelay, and SettleBeforeExpiry, CooperativeCloseWait and FinalizeWait not negative");
        }

        if (!options.Enabled)
        {
            return (false, "Settlement:Enabled is false");
        }

        if (chain is not { IsOnline: true, Signer: not null } || chain.TryAddressOf(ContractNames.SessionManager) is null)
        {
            return (false, "it needs a chain node, the SessionManager's address and the gateway's key (Chain:RpcUrl, Chain:Manifest, Chain:Keystore)");
        }

        builder.Services.AddSingleton(sp => new SettlementChain(sp.GetRequiredService<ITransactionSender>(), chain.AddressOf(ContractNames.SessionManager),
            chain.DeploymentBlock(ContractNames.SessionManager), chain.MaxLogRange));
        if (role == GatewayRole.Provider)
        {
            builder.Services.AddSingleton(sp => CreateProvider(sp, chain));
            builder.Services.AddHostedService(sp => sp.GetRequiredService<ProviderSettlement>());
        }
        else
        {
            // connect closes its session as it exits: the host waits for that.
            var bound = options.CooperativeCloseWait + options.FinalizeWait + TimeSpan.FromSeconds(90);
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = o.ShutdownTimeout > bound ? o.ShutdownTimeout : bound);
            builder.Services.AddSingleton(sp => new ClientSessionCloser(sp.GetRequiredService<EvidenceSpool>(), sp.GetRequiredService<SettlementChain>(),
                sp.GetRequiredService<IOptions<SettlementOptions>>().Value, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ClientSessionCloser>>()));
        }

        return (true, null);
    }

    private static ProviderSettlement CreateProvider(IServiceProvider sp, ChainContext chain)
    {
        var options = sp.GetRequiredService<IOptions<SettlementOptions>>().Value;
        var spool = sp.GetRequiredService<EvidenceSpool>();
        var metering = sp.GetRequiredService<MeteringService>();
        var cursorPath = options.CursorPath is { Length: > 0 } configured
            ? configured
            : sp.GetRequiredService<MeteringOptions>().SpoolPath + ".chain-cursor";
        ProviderSettlement? settlement = null;
        var sessionManager = chain.AddressOf(ContractNames.SessionManager);
        settlement = new ProviderSettlement(spool, sp.GetRequiredService<SettlementChain>(), options, metering.IsProviding, sp.GetRequiredService<ISessionTerminator>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ProviderSettlement>>(),
            async ct => new ChainWatcher(chain, "settlement", chain.DeploymentBlock(ContractNames.SessionManager), await SqliteChainCursorStore.OpenAsync(cursorPath, ct).ConfigureAwait(false),
                    new CloseStartedHandler(spool, chain.Address!, () => settlement!.Wake()), sp.GetService<ChainWatcherOptions>(), sp.GetService<ILogger<ChainWatcher>>(),
                    sp.GetService<TimeProvider>())
                .Subscribe<Oracle.Chain.Contracts.SessionManager.CloseStartedEvent>(sessionManager),
            sp.GetRequiredService<MeteringMetrics>());
        return settlement;
    }
}
