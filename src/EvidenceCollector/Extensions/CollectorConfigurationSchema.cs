using EvidenceCollector.Anchoring;
using EvidenceCollector.Ingestion;
using EvidenceCollector.Log;
using EvidenceCollector.Retention;
using Oracle.Hosting;

namespace EvidenceCollector.Extensions;

/// <summary>
/// Everything the collector reads from its configuration: its own sections (<c>Collector</c>, <c>Log</c>,
/// <c>Ingestion</c>, <c>Anchoring</c>, <c>Retention</c>), the shared <c>Chain</c>, <c>Database</c> and <c>Bus</c>, and the
/// host's <c>Logging</c>, <c>Urls</c>, <c>AllowedHosts</c> and <c>Kestrel</c>. Anything else in its files or arguments is
/// a mistake, refused at start with the nearest valid key (docs/operations.md).
/// </summary>
internal static class CollectorConfigurationSchema
{
    public static ConfigurationSchema Create() => new ConfigurationSchema()
        .Add<CollectorSettings>("Collector")
        .Add<LogOptions>(LogOptions.Section)
        .Add<IngestionOptions>(IngestionOptions.Section)
        .Add<AnchoringOptions>(AnchoringOptions.Section)
        .Add<RetentionOptions>(RetentionOptions.Section)
        .AddOracleChain()
        .AddOracleDatabase()
        .AddOracleBus()
        .AddOracleServiceDefaults()
        .AddAspNetCoreHost();

    // Collector:Instance, the name this process goes by in its answers and leases (default: host/pid).
    private sealed class CollectorSettings
    {
        public string? Instance { get; set; }
    }
}
