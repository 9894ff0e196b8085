using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.EvidenceRegistry;

namespace Oracle.Chain.Evidence;

/// <summary>
/// Finds a log's anchors (<c>CheckpointAnchored</c> events) and checks them against the registry's hash chain, so
/// watchers, clients and the dispute services can build <see cref="AnchorProof"/>s (<see cref="AnchorChain.Proof"/>).
/// </summary>
/// <param name="web3">A connection.</param>
/// <param name="evidenceRegistry">The EvidenceRegistry's address.</param>
/// <param name="fromBlock">Where to start looking (the registry's deployment block).</param>
public sealed class AnchorReader(IWeb3 web3, string evidenceRegistry, ulong fromBlock = 0)
{
    private readonly EvidenceRegistryService _service = new(web3, evidenceRegistry);

    /// <summary>Every anchor of <paramref name="logId"/>, oldest first (empty when the log was never anchored).</summary>
    /// <param name="logId">The log (32 bytes).</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The anchors as of the latest block.</returns>
    /// <exception cref="InvalidDataException">The events do not fold into the registry's chain (a node returning wrong or missing logs).</exception>
    public async Task<IReadOnlyList<Anchor>> AnchorsAsync(byte[] logId, CancellationToken cancellationToken = default)
    {
        // Events and chain are read at one block, so an anchor landing meanwhile cannot make them disagree.
        var head = await web3.Eth.Blocks.GetBlockNumber.SendRequestAsync().WaitAsync(cancellationToken);
        var at = new BlockParameter(head);
        var anchored = web3.Eth.GetEvent<CheckpointAnchoredEvent>(evidenceRegistry);
        // The topic goes in as object[]: the generic overload does not encode a byte[] as bytes32.
        var filter = anchored.CreateFilterInput(new object[] { logId }, new BlockParameter(new HexBigInteger(fromBlock)), at);
        var logs = await anchored.GetAllChangesAsync(filter).WaitAsync(cancellationToken);
        var anchors = logs
            .OrderBy(l => l.Log.BlockNumber.Value).ThenBy(l => l.Log.LogIndex.Value)
            .Select(l => new Anchor { TreeSize = l.Event.TreeSize, Root = l.Event.Root })
            .ToList();
        var chain = await _service.AnchorChainQueryAsync(logId, at, cancellationToken);
        if (chain.Anchors != anchors.Count || !chain.Chain.AsSpan().SequenceEqual(AnchorChain.Fold(AnchorChain.Empty, anchors)))
        {
            throw new InvalidDataException($"the CheckpointAnchored events of log 0x{Convert.ToHexStringLower(logId)} do not match the EvidenceRegistry's chain");
        }

        return anchors;
    }
}
