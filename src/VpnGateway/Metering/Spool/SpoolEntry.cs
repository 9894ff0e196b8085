using Oracle.Core.Evidence;

namespace VpnGateway.Metering.Spool;

/// <summary>A spooled batch as <see cref="EvidenceSpool.Entries"/> lists it.</summary>
/// <param name="BatchId">The batch id.</param>
/// <param name="SessionId">Its session.</param>
/// <param name="TreeSize">Its checkpoint's tree size.</param>
/// <param name="State">Where it is.</param>
/// <param name="Publications">How often the broker confirmed a publication of it.</param>
/// <param name="LastError">The last publication error, or the collector's reason for a rejection.</param>
/// <param name="Batch">The batch as published (leaf hashes and sealed records), or null when it cannot be read.</param>
/// <param name="Records">The batch's records in plaintext (this gateway's own copy; never published).</param>
internal sealed record SpoolEntry(Guid BatchId, ulong SessionId, ulong TreeSize, SpoolState State, int Publications, string? LastError, EvidenceBatch? Batch, IReadOnlyList<byte[]> Records);
