using Oracle.Chain.Contracts;
using OracleNode.Storage;

namespace OracleNode.Judging;

/// <summary>What the judge is given: the dispute as filed, its session, the round and the round's evidence cutoff.</summary>
/// <param name="Row">The stored dispute.</param>
/// <param name="Dispute">Its record.</param>
/// <param name="Session">The session's stored terms, or null when the node has not seen the session.</param>
/// <param name="Round">The round being voted.</param>
/// <param name="EvidenceCutoff">Documents and anchors count only from blocks before this chain time (§8.1).</param>
internal sealed record DisputeCase(DisputeRow Row, Dispute Dispute, SessionRow? Session, int Round, ulong EvidenceCutoff);
