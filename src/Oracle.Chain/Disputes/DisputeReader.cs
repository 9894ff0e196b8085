using Nethereum.Contracts;
using Nethereum.Web3;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Events;

namespace Oracle.Chain.Disputes;

/// <summary>
/// Finds a dispute's hash-committed record (<c>DisputeFiled</c>) and each round's committee (<c>CommitteeDrawn</c>),
/// which DisputeManager calls take as arguments. Events are searched backwards from the head in bounded ranges
/// (<see cref="LogRangeReader"/>).
/// </summary>
/// <param name="web3">A connection.</param>
/// <param name="disputeManager">The DisputeManager's address.</param>
/// <param name="fromBlock">Where to stop looking (its deployment block).</param>
/// <param name="maxRange">The most blocks one log query covers.</param>
public sealed class DisputeReader(IWeb3 web3, string disputeManager, ulong fromBlock = 0, ulong maxRange = LogRangeReader.DefaultMaxRange)
{
    private readonly LogRangeReader _logs = new(web3, maxRange);

    /// <summary>The dispute's record and evidence URI, or <see langword="null"/> when it was never filed.</summary>
    public async Task<(Dispute Record, string EvidenceUri)?> FindAsync(ulong disputeId, CancellationToken cancellationToken = default)
    {
        var filed = web3.Eth.GetEvent<DisputeFiledEvent>(disputeManager);
        var log = await _logs.FindLastAsync(filed.CreateFilterInput(disputeId), fromBlock, await _logs.HeadAsync(cancellationToken), cancellationToken);
        if (log is null)
        {
            return null;
        }

        var e = log.DecodeEvent<DisputeFiledEvent>().Event;
        return (e.Dispute, e.EvidenceUri);
    }

    /// <summary>The committee of <paramref name="round"/> (one address per seat), or <see langword="null"/> before the draw.</summary>
    public async Task<CommitteeDrawnEvent?> CommitteeAsync(ulong disputeId, byte round, CancellationToken cancellationToken = default)
    {
        var drawn = web3.Eth.GetEvent<CommitteeDrawnEvent>(disputeManager);
        var log = await _logs.FindLastAsync(drawn.CreateFilterInput(disputeId, round), fromBlock, await _logs.HeadAsync(cancellationToken), cancellationToken);
        return log?.DecodeEvent<CommitteeDrawnEvent>().Event;
    }
}
