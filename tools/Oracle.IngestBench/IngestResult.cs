using System.Text.Json;

namespace Oracle.IngestBench;

/// <summary>The run's figures; <see cref="ToJson"/> is the bench's last line.</summary>
internal sealed record IngestResult(
    IngestSettings Settings,
    double RecordsPerSecond,
    double LeavesPerSecond,
    double SequencerLeavesPerSecond,
    double ProofP50Ms,
    double ProofP99Ms,
    double AnchorGasPerLeaf,
    int Anchors,
    double CopyOnlyRecordsPerSecond,
    double VerifyOnlyRecordsPerSecond,
    double UngroupedRecordsPerSecond,
    double SteadyRecordsPerSecond)
{
    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["records_per_s"] = Round(RecordsPerSecond),
        ["leaves_per_s"] = Round(LeavesPerSecond),
        ["sequencer_leaves_per_s"] = Round(SequencerLeavesPerSecond),
        ["proof_p50_ms"] = Math.Round(ProofP50Ms, 2),
        ["proof_p99_ms"] = Math.Round(ProofP99Ms, 2),
        ["anchor_gas_per_leaf"] = Math.Round(AnchorGasPerLeaf, 1),
        ["anchors"] = Anchors,
        ["copy_only_records_per_s"] = Round(CopyOnlyRecordsPerSecond),
        ["records_vs_copy_only"] = Math.Round(RecordsPerSecond / CopyOnlyRecordsPerSecond, 3),
        ["verify_only_records_per_s"] = Round(VerifyOnlyRecordsPerSecond),
        ["steady_records_per_s"] = Round(SteadyRecordsPerSecond),
        ["ungrouped_records_per_s"] = Round(UngroupedRecordsPerSecond),
        ["records_vs_ungrouped"] = Math.Round(RecordsPerSecond / UngroupedRecordsPerSecond, 3),
        ["gateways"] = Settings.Gateways,
        ["sessions"] = Settings.Sessions,
        ["batches"] = Settings.Batches,
        ["records_per_batch"] = Settings.RecordsPerBatch,
        ["records"] = Settings.Records,
        ["cores"] = Environment.ProcessorCount,
    });

    private static double Round(double value) => Math.Round(value, 0, MidpointRounding.AwayFromZero);
}
