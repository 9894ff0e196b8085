using Oracle.Chain.Contracts;
using OracleNode.Storage;

namespace OracleNode.Hosting;

/// <summary>One pass over one dispute: its stored rows and its state on-chain now.</summary>
/// <param name="Row">The dispute as filed.</param>
/// <param name="Record">Its record.</param>
/// <param name="Info">The contract's <c>disputeInfo</c> now.</param>
/// <param name="Committees">The committees drawn so far.</param>
/// <param name="Session">The session's terms, when seen.</param>
/// <param name="Now">The chain's time now.</param>
/// <param name="Parameters">The deployment's parameters.</param>
internal sealed record DisputeContext(DisputeRow Row, Dispute Record, DisputeInfo Info, IReadOnlyList<CommitteeRow> Committees, SessionRow? Session, ulong Now, DisputeParameters Parameters)
{
    public ulong Id => Row.Id;

    public string RecordHash { get; } = Row.RecordHash;

    /// <summary>The phase (IDisputeManager.Phase: 1 Drawing, 2 Commit, 3 Reveal, 4 Appealable, 5 Executable, 6 Executed).</summary>
    public byte Phase => Info.Phase;
}
