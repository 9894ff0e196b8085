using System.Globalization;

namespace Oracle.IngestBench;

/// <summary>The run's size, from environment variables (defaults: 8 gateways × 4 sessions × 20 batches of 250 records).</summary>
internal sealed record IngestSettings(int Gateways, int SessionsPerGateway, int BatchesPerSession, int RecordsPerBatch, int Proofs, int AnchorEvery, int TimeoutMinutes)
{
    public int Sessions => Gateways * SessionsPerGateway;

    public int Batches => Sessions * BatchesPerSession;

    public long Records => (long)Batches * RecordsPerBatch;

    public static IngestSettings FromEnvironment() => new(
        Int("ORACLE_INGEST_GATEWAYS", 8),
        Int("ORACLE_INGEST_SESSIONS_PER_GATEWAY", 4),
        Int("ORACLE_INGEST_BATCHES_PER_SESSION", 20),
        Int("ORACLE_INGEST_RECORDS_PER_BATCH", 250),
        Int("ORACLE_INGEST_PROOFS", 2000),
        Int("ORACLE_INGEST_ANCHOR_EVERY", 256),
        Int("ORACLE_INGEST_TIMEOUT_MINUTES", 15));

    private static int Int(string name, int fallback)
        => Environment.GetEnvironmentVariable(name) is { Length: > 0 } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
