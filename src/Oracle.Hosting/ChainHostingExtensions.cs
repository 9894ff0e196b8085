using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Oracle.Chain;

namespace Oracle.Hosting;

/// <summary>Makes the service's <see cref="ChainContext"/> once, at start, from section <c>Chain</c>.</summary>
public static class ChainHostingExtensions
{
    /// <summary>
    /// Reads section <c>Chain</c> (<see cref="ChainOptions"/>), builds and checks the <see cref="ChainContext"/> (node chain
    /// id against the manifest and configuration, code at every contract, the decrypted key) and registers it as a
    /// singleton with a <c>chain</c> health check. Call it before <c>Build()</c>: anything wrong throws
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
        }

        return context;
    }
}
