namespace Arbitration.Api.Filing;

/// <summary>A flow record with its RFC 9162 inclusion proof in a log root the client signed (docs/protocol.md §7.4).</summary>
/// <param name="Leaf">The 95-byte record, 0x hex.</param>
/// <param name="LeafIndex">Its index in the log.</param>
/// <param name="AuditPath">The inclusion proof, 32-byte hashes in 0x hex.</param>
/// <param name="Voucher">The client's voucher over the log.</param>
/// <param name="Signature">The client's signature of the voucher, 0x hex.</param>
public sealed record RecordProofRequest(string Leaf, long LeafIndex, IReadOnlyList<string> AuditPath, VoucherRequest Voucher, string Signature);
