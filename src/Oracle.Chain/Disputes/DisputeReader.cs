using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.DisputeManager;

namespace Oracle.Chain.Disputes;

/// <summary>
/// Finds a dispute's hash-committed record (<c>DisputeFiled</c>) and each round's committee (<c>CommitteeDrawn</c>),
/// which DisputeManager calls take as arguments.
/// </summary>
/// <param name="web3">A connection.</param>
/// <param name="disputeManager">The DisputeManager's address.</param>
/// <param name="fromBlock">Where to start looking (its deployment block).</param>
public sealed class DisputeReader(IWeb3 web3, string disputeManager, ulong fromBlock = 0)
{
    /// <summary>The dispute's record and evidence URI, or <see langword="null"/> when it was never filed.</summary>
    public async Task<(Dispute Record, string EvidenceUri)?> FindAsync(ulong disputeId, CancellationToken cancellationToken = default)
    {
        var filed = web3.Eth.GetEvent<DisputeFiledEvent>(disputeManager);
        var logs = await filed.GetAllChangesAsync(filed.CreateFilterInput(disputeId, From, BlockParameter.CreateLatest())).WaitAsync(cancellationToken);
        return logs.Count == 0 ? null : (logs[0].Event.Dispute, logs[0].Event.EvidenceUri);
    }

    /// <summary>The committee of <paramref name="round"/> (one address per seat), or <see langword="null"/> before the draw.</summary>
    public async Task<CommitteeDrawnEvent?> CommitteeAsync(ulong disputeId, byte round, CancellationToken cancellationToken = default)
    {
        var drawn = web3.Eth.GetEvent<CommitteeDrawnEvent>(disputeManager);
        var logs = await drawn.GetAllChangesAsync(drawn.CreateFilterInput(disputeId, round, From, BlockParameter.CreateLatest())).WaitAsync(cancellationToken);
        return logs.Count == 0 ? null : logs[^1].Event;
    }

    private BlockParameter From => new(new HexBigInteger(fromBlock));
}
