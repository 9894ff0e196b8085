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
    /// <summary>The collector's own time per record proof (its Server-Timing header), median.</summary>
    public double ProofServerP50Ms { get; init; }

    /// <summary>The collector's own time per record proof, 99th percentile.</summary>
    public double ProofServerP99Ms { get; init; }

    /// <summary>GET /checkpoint (from memory) between the proofs, client side, median: the same-run floor of a request.</summary>
    public double CheckpointP50Ms { get; init; }

    /// <summary>GET /checkpoint between the proofs, 99th percentile.</summary>
    public double CheckpointP99Ms { get; init; }

    /// <summary>From the first publication to the first answer (the cold start).</summary>
    public double FirstAnswerMs { get; init; }

    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["records_per_s"] = Round(RecordsPerSecond),
        ["leaves_per_s"] = Round(LeavesPerSecond),
        ["sequencer_leaves_per_s"] = Round(SequencerLeavesPerSecond),
        ["proof_p50_ms"] = Math.Round(ProofP50Ms, 2),
        ["proof_p99_ms"] = Math.Round(ProofP99Ms, 2),
        ["proof_server_p50_ms"] = Math.Round(ProofServerP50Ms, 2),
        ["proof_server_p99_ms"] = Math.Round(ProofServerP99Ms, 2),
        ["checkpoint_p50_ms"] = Math.Round(CheckpointP50Ms, 2),
        ["checkpoint_p99_ms"] = Math.Round(CheckpointP99Ms, 2),
        ["anchor_gas_per_leaf"] = Math.Round(AnchorGasPerLeaf, 1),
        ["anchors"] = Anchors,
        ["copy_only_records_per_s"] = Round(CopyOnlyRecordsPerSecond),
        ["records_vs_copy_only"] = Math.Round(RecordsPerSecond / CopyOnlyRecordsPerSecond, 3),
        ["verify_only_records_per_s"] = Round(VerifyOnlyRecordsPerSecond),
        ["steady_records_per_s"] = Round(SteadyRecordsPerSecond),
        ["first_answer_ms"] = Round(FirstAnswerMs),
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
