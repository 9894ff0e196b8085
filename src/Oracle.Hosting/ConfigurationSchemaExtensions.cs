using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Hosting;
using Oracle.Chain;
using Oracle.Chain.Events;
using Oracle.Chain.Transactions;
using Oracle.Storage;

namespace Oracle.Hosting;

/// <summary>The shared sections, as the shared hosting code binds them, for a service's <see cref="ConfigurationSchema"/>.</summary>
public static class ConfigurationSchemaExtensions
{
    /// <summary>
    /// Section <c>Chain</c> as <see cref="ChainHostingExtensions.AddOracleChainAsync"/> reads it:
    /// <see cref="ChainOptions"/>, <c>Chain:Watcher</c> and <c>Chain:Transactions</c>.
    /// </summary>
    public static ConfigurationSchema AddOracleChain(this ConfigurationSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return schema.Add<ChainOptions>(ChainOptions.Section)
            .Add<ChainWatcherOptions>(ChainWatcherOptions.SectionName)
            .Add<TransactionSenderOptions>(TransactionSenderOptions.SectionName);
    }

    /// <summary>Section <c>Bus</c> (<see cref="BusOptions"/>).</summary>
    public static ConfigurationSchema AddOracleBus(this ConfigurationSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return schema.Add<BusOptions>(BusOptions.Section);
    }

    /// <summary>Section <c>Database</c> (<see cref="DatabaseOptions"/>).</summary>
    public static ConfigurationSchema AddOracleDatabase(this ConfigurationSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return schema.Add<DatabaseOptions>(DatabaseOptions.Section);
    }

    /// <summary>Section <c>Logging</c> (free-form: its keys are log categories) and the host's <c>Urls</c>.</summary>
    public static ConfigurationSchema AddOracleServiceDefaults(this ConfigurationSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return schema.AddFreeForm("Logging").Add<HostSettings>();
    }

    /// <summary>
    /// The ASP.NET Core host's keys an operator may write in an HTTP service's file or arguments: <c>AllowedHosts</c>,
    /// <c>environment</c>, <c>contentRoot</c>, <c>applicationName</c> and the free-form <c>Kestrel</c> section
    /// (endpoints, certificates, limits).
    /// </summary>
    public static ConfigurationSchema AddAspNetCoreHost(this ConfigurationSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return schema.AddFreeForm("Kestrel").Add<AspNetCoreHostSettings>();
    }

    /// <summary>
    /// Checks what the operator wrote for this service — its JSON files (<c>appsettings.json</c> and the like) and its
    /// <c>--Section:Key=value</c> arguments — against <paramref name="schema"/>: a key nothing reads, such as a misspelt
    /// <c>Anchoring:Intreval</c> that the binder would ignore, stops the start with one line naming it and the nearest
    /// valid key. Environment variables are not checked (a host reads every variable, most of which are not settings).
    /// </summary>
    /// <exception cref="ConfigurationException">A key nothing reads, or a value that cannot be converted.</exception>
    public static void ValidateOperatorSettings(this IHostApplicationBuilder builder, ConfigurationSchema schema)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(schema);
        var providers = ((IConfigurationRoot)builder.Configuration).Providers
            .Where(p => p is FileConfigurationProvider or CommandLineConfigurationProvider);
        schema.EnsureValid(providers);
    }

    // The host's keys (also what `--environment`, `--contentRoot` and `--applicationName` on the command line set).
    private sealed class AspNetCoreHostSettings
    {
        public string? AllowedHosts { get; set; }

        public string? Environment { get; set; }

        public string? ContentRoot { get; set; }

        public string? ApplicationName { get; set; }
    }

    // The host's own top-level keys an operator may set in a service's file (docs/operations.md).
    private sealed class HostSettings
    {
        public string? Urls { get; set; }
    }
}
