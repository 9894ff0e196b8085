using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.EvidenceRegistry;
using Oracle.Chain.Events;

namespace Oracle.Chain.Evidence;

/// <summary>
/// Finds a log's anchors (<c>CheckpointAnchored</c> events) and checks them against the registry's hash chain, so
/// watchers, clients and the dispute services can build <see cref="AnchorProof"/>s (<see cref="AnchorChain.Proof"/>).
/// Events are read from <paramref name="fromBlock"/> to the head in bounded ranges (<see cref="LogRangeReader"/>); a
/// service that follows a log for long keeps its anchors from a <see cref="ChainWatcher"/> instead of reading them all again.
/// </summary>
/// <param name="web3">A connection.</param>
/// <param name="evidenceRegistry">The EvidenceRegistry's address.</param>
/// <param name="fromBlock">Where to start looking (the registry's deployment block).</param>
/// <param name="maxRange">The most blocks one log query covers.</param>
public sealed class AnchorReader(IWeb3 web3, string evidenceRegistry, ulong fromBlock = 0, ulong maxRange = LogRangeReader.DefaultMaxRange)
{
    private readonly EvidenceRegistryService _service = new(web3, evidenceRegistry);
    private readonly LogRangeReader _logs = new(web3, maxRange);

    /// <summary>Every anchor of <paramref name="logId"/>, oldest first (empty when the log was never anchored).</summary>
    /// <param name="logId">The log (32 bytes).</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The anchors as of the latest block.</returns>
    /// <exception cref="InvalidDataException">The events do not fold into the registry's chain (a node returning wrong or missing logs).</exception>
    public async Task<IReadOnlyList<Anchor>> AnchorsAsync(byte[] logId, CancellationToken cancellationToken = default)
    {
        // Events and chain are read at one block, so an anchor landing meanwhile cannot make them disagree.
        var head = await _logs.HeadAsync(cancellationToken);
        var anchored = web3.Eth.GetEvent<CheckpointAnchoredEvent>(evidenceRegistry);
        // The topic goes in as object[]: the generic overload does not encode a byte[] as bytes32.
        var logs = await _logs.ReadAsync(anchored.CreateFilterInput(new object[] { logId }), fromBlock, head, cancellationToken);
        var anchors = logs
            .Select(l => l.DecodeEvent<CheckpointAnchoredEvent>().Event)
            .Select(e => new Anchor { TreeSize = e.TreeSize, Root = e.Root })
            .ToList();
        var at = new BlockParameter(new HexBigInteger(head));
        var chain = await _service.AnchorChainQueryAsync(logId, at, cancellationToken);
        if (chain.Anchors != anchors.Count || !chain.Chain.AsSpan().SequenceEqual(AnchorChain.Fold(AnchorChain.Empty, anchors)))
        {
            throw new InvalidDataException($"the CheckpointAnchored events of log 0x{Convert.ToHexStringLower(logId)} do not match the EvidenceRegistry's chain");
        }

        return anchors;
    }
}
