using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;
using Oracle.Chain;
using Oracle.Chain.Events;
using Oracle.Chain.Transactions;

namespace Oracle.Hosting;

/// <summary>Makes the service's <see cref="ChainContext"/> once, at start, from section <c>Chain</c>.</summary>
public static class ChainHostingExtensions
{
    /// <summary>
    /// Reads section <c>Chain</c> (<see cref="ChainOptions"/>), builds and checks the <see cref="ChainContext"/> (node chain
    /// id against the manifest and configuration, code at every contract, the decrypted key) and registers it as a
    /// singleton with a <c>chain</c> health check; with a node, the <see cref="ChainWatcherOptions"/> (<c>Chain:Watcher</c>)
    /// for the service's watchers, and with a node and a key, the service's one <see cref="TransactionSender"/>
    /// (<see cref="ITransactionSender"/>, <c>Chain:Transactions</c>). Call it before <c>Build()</c>: anything wrong throws
    /// <see cref="ChainContextException"/> with one line, which <see cref="StartupErrors"/> prints.
    /// </summary>
    /// <param name="builder">The service's builder.</param>
    /// <param name="requirements">What the service cannot work without.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The context, or <see langword="null"/> when the chain is optional and not configured.</returns>
    public static async Task<ChainContext?> AddOracleChainAsync(this IHostApplicationBuilder builder, ChainRequirements requirements, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(ChainOptions.Section);
        if (requirements == ChainRequirements.None && !section.Exists())
        {
            return null;
        }

        ChainOptions options;
        try
        {
            options = section.Get<ChainOptions>() ?? new ChainOptions();
        }
        catch (InvalidOperationException e)
        {
            throw new ChainContextException(e.Message, e);
        }

        var context = await ChainContext.CreateAsync(options, cancellationToken).ConfigureAwait(false);
        if (requirements.HasFlag(ChainRequirements.Node))
        {
            context.RequireOnline("this service reads");
        }

        if (requirements.HasFlag(ChainRequirements.Key))
        {
            context.RequireSigner("this service signs and sends transactions");
        }

        builder.Services.AddSingleton(context);
        builder.Services.AddSingleton(Options.Create(options));
        if (context.IsOnline)
        {
            builder.Services.AddHealthChecks().AddCheck<ChainHealthCheck>("chain", HealthStatus.Unhealthy, ["ready"]);

            // Chain:Watcher: how the service's chain watchers remember blocks and poll (confirmations and log ranges are
            // Chain:Confirmations and Chain:MaxLogRange, in the context).
            builder.Services.AddOptions<ChainWatcherOptions>()
                .Bind(builder.Configuration.GetSection(ChainWatcherOptions.SectionName))
                .ValidateOnStart();
            builder.Services.AddSingleton<IValidateOptions<ChainWatcherOptions>>(new ThrowingOptionsValidator<ChainWatcherOptions>(o => o.Validate()));
            builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<ChainWatcherOptions>>().Value);

            // The one sender of the service's key (Chain:Transactions): every transaction of the process goes through it,
            // so concurrent callers never race on a nonce.
            if (context.Signer is not null)
            {
                builder.Services.AddOptions<TransactionSenderOptions>()
                    .Bind(builder.Configuration.GetSection(TransactionSenderOptions.SectionName))
                    .ValidateOnStart();
                builder.Services.AddSingleton<IValidateOptions<TransactionSenderOptions>>(
                    new ThrowingOptionsValidator<TransactionSenderOptions>(o => o.Validate()));
                builder.Services.AddSingleton(sp => new TransactionSender(context, sp.GetRequiredService<IOptions<TransactionSenderOptions>>().Value,
                    sp.GetRequiredService<ILogger<TransactionSender>>(), sp.GetService<TimeProvider>()));
                builder.Services.AddSingleton<ITransactionSender>(sp => sp.GetRequiredService<TransactionSender>());
            }
        }

        return context;
    }
}
