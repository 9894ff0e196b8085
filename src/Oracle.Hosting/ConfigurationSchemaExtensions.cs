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

    // The host's own top-level keys an operator may set in a service's file (docs/operations.md).
    private sealed class HostSettings
    {
        public string? Urls { get; set; }
    }
}
