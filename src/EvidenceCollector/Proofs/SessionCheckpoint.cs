using Oracle.Core.Evidence;

namespace EvidenceCollector.Proofs;

/// <summary>One checkpoint of a session's log with the client's voucher for it, as accepted.</summary>
/// <param name="BatchId">The batch that carried it.</param>
/// <param name="FirstLeafIndex">The log's size before its records.</param>
/// <param name="Checkpoint">The gateway's signed checkpoint.</param>
/// <param name="Voucher">The client's signed voucher, when it paid.</param>
/// <param name="Rejection">The client's refusal, when it refused.</param>
/// <param name="LogIndex">Its leaf in the global log, once sequenced.</param>
/// <param name="AcceptedAt">When the collector stored it.</param>
public sealed record SessionCheckpoint(Guid BatchId, ulong FirstLeafIndex, SignedCheckpoint Checkpoint, SignedVoucher? Voucher, ClientRejection? Rejection, ulong? LogIndex, DateTimeOffset AcceptedAt);
