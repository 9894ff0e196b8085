using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Oracle.Core.Eip712;
using Oracle.Core.Evidence;
using Oracle.Core.Policy;
using VpnGateway.Metering;
using VpnGateway.Metering.Provider;
using VpnGateway.Metering.Signing;
using VpnGateway.Metering.Spool;

namespace Oracle.MeteringBench;

/// <summary>
/// Flow records per second through what each epoch does on the provider: encode, leaf hash and append to the session's
/// log, sign the checkpoint, seal the records under the session's evidence key, spool the batch durably (SQLite WAL,
/// synchronous FULL). Baseline in the same run: encoding alone.
/// </summary>
internal static class RecordsBenchmark
{
    private static double SealSeconds { get; set; }

    public static async Task<int> RunAsync(Arguments args)
    {
        var count = (int)args.Long("records", 200_000);
        var perCheckpoint = (int)args.Long("per-checkpoint", new MeteringOptions().MaxRecordsPerCheckpoint);
        var folder = Directory.CreateTempSubdirectory("metering-bench-").FullName;
        var spoolPath = args.String("spool", Path.Combine(folder, "spool.db"));
        try
        {
            var records = Generate(count);

            var buffer = new byte[FlowRecordEncoding.Size];
            var encodeOnly = Stopwatch.StartNew();
            foreach (var r in records)
            {
                FlowRecordEncoding.TryEncode(r, buffer);
            }

            encodeOnly.Stop();

            // The sealing alone (AES-256-GCM per record, docs/protocol.md §5.5), in the same run: its share of the pipeline.
            var sealedRecord = new byte[RecordSealer.SealedSize];
            var leafHash = new byte[32];
            using (var sealOnly = new RecordSealer(RecordSealer.NewKey(), 31337, Benchmarks.SessionManager, 1))
            {
                var sealWatch = Stopwatch.StartNew();
                for (var i = 0; i < records.Count; i++)
                {
                    FlowRecordEncoding.TryEncode(records[i], buffer);
                    sealOnly.Seal((ulong)i, buffer, leafHash, sealedRecord);
                }

                sealWatch.Stop();
                SealSeconds = sealWatch.Elapsed.TotalSeconds;
            }

            using var spool = EvidenceSpool.Open(spoolPath);
            var signer = new KeyEvidenceSigner(Benchmarks.GatewayKey, Benchmarks.Domain);
            var log = new SessionEvidenceLog(1);
            using var sealer = new RecordSealer(RecordSealer.NewKey(), 31337, Benchmarks.SessionManager, 1);
            var checkpoints = 0;
            var full = Stopwatch.StartNew();
            for (var start = 0; start < records.Count; start += perCheckpoint)
            {
                var closed = log.Append(records, start, Math.Min(perCheckpoint, records.Count - start), 1_700_000_000, 0, (_, reason) => throw new InvalidOperationException(reason))!;
                var signature = signer.Sign(closed.Checkpoint);
                var signed = new SignedCheckpoint { TreeSize = closed.Checkpoint.TreeSize, Root = closed.Checkpoint.Root, EpochTime = closed.Checkpoint.EpochTime, CaptureDrops = 0, Signature = signature };
                var batch = PublishedBatch.Of(closed, signed, sealer, 31337, Benchmarks.SessionManager, signer.Address, Benchmarks.ClientKey.GetPublicAddress());
                spool.AddCheckpoint(batch, closed.Records, closed.Sequence, closed.AllowedOctets, 0);
                checkpoints++;
            }

            full.Stop();
            var encodePerSecond = count / encodeOnly.Elapsed.TotalSeconds;
            var perSecond = count / full.Elapsed.TotalSeconds;
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["records"] = count,
                ["records_per_checkpoint"] = perCheckpoint,
                ["checkpoints"] = checkpoints,
                ["seconds"] = Math.Round(full.Elapsed.TotalSeconds, 3),
                ["encode_only_per_s"] = Math.Round(encodePerSecond),
                ["records_per_s"] = Math.Round(perSecond),
                ["encode_and_seal_per_s"] = Math.Round(count / SealSeconds),
                ["seal_share_of_pipeline"] = Math.Round(Math.Max(0, SealSeconds - encodeOnly.Elapsed.TotalSeconds) / full.Elapsed.TotalSeconds, 4),
                ["pipeline_vs_encode_only"] = Math.Round(perSecond / encodePerSecond, 4),
                ["spool_bytes"] = new FileInfo(spoolPath).Length + (File.Exists(spoolPath + "-wal") ? new FileInfo(spoolPath + "-wal").Length : 0),
            }));
            await Console.Out.FlushAsync();
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static List<FlowRecord> Generate(int count)
    {
        var random = new Random(1);
        var records = new List<FlowRecord>(count);
        for (var i = 0; i < count; i++)
        {
            var packets = (ulong)random.Next(1, 2000);
            var payload = packets * (ulong)random.Next(0, 1400);
            var tcp = random.Next(3) != 0;
            records.Add(new FlowRecord(1, FlowVerdict.Allowed, 0, (TrafficDirection)(i & 1), 4, tcp ? (byte)6 : (byte)17, tcp ? (byte)0x1B : (byte)0,
                FlowEndReason.IdleTimeout, IpNumber.MapIPv4(0xC6120002), IpNumber.MapIPv4((uint)(0xC6130000 | (uint)random.Next(65536))),
                (ushort)random.Next(1024, 65535), (ushort)random.Next(1, 1024), 1_700_000_000_000 + i, 1_700_000_000_000 + i + random.Next(60_000),
                packets, payload + (packets * 52), payload));
        }

        return records;
    }
}
