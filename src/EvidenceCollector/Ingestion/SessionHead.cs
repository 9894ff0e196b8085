namespace EvidenceCollector.Ingestion;

/// <summary>A session log's head as the collector last committed it (<see cref="SessionHeadCache"/>).</summary>
/// <param name="Size">Its leaves.</param>
/// <param name="Root">Its root.</param>
/// <param name="PackedRange">Its compact range as stored (<see cref="Log.PackedRange"/>).</param>
internal sealed record SessionHead(ulong Size, byte[] Root, byte[] PackedRange);
