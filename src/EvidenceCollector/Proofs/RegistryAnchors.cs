using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Oracle.Chain;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.EvidenceRegistry;
using Oracle.Chain.Deployment;
using Oracle.Chain.Evidence;
using Oracle.Chain.Events;

namespace EvidenceCollector.Proofs;

/// <summary>
/// The collector's anchors as the EvidenceRegistry holds them, followed incrementally for the registry-call endpoint:
/// each call reads only the <c>CheckpointAnchored</c> events of blocks not read yet and checks the list against the
/// registry's hash chain at the head block (<see cref="AnchorChain.Fold"/>, as <see cref="AnchorReader"/> does); when they
/// disagree (a reorganization took anchors away) the list is read again from the registry's deployment block.
/// </summary>
internal sealed class RegistryAnchors(ChainContext chain, EvidenceCollector.Log.LogIdentity identity)
{
    private readonly string _registry = chain.AddressOf(ContractNames.EvidenceRegistry);
    private readonly ulong _deployed = chain.DeploymentBlock(ContractNames.EvidenceRegistry);
    private readonly LogRangeReader _logs = new(chain.Web3, chain.MaxLogRange);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private List<Anchor> _anchors = [];
    private byte[] _fold = AnchorChain.Empty;
    private ulong? _readTo;

    /// <summary>Every anchor of the collector's log, oldest first, as of the latest block.</summary>
    /// <exception cref="InvalidDataException">The events do not fold into the registry's chain even when all read again.</exception>
    public async Task<IReadOnlyList<Anchor>> AnchorsAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var head = await _logs.HeadAsync(cancellationToken);
            var service = new EvidenceRegistryService(chain.Web3, _registry);
            var onChain = await service.AnchorChainQueryAsync(identity.LogId, new BlockParameter(new HexBigInteger(head)), cancellationToken);
            if (_readTo is { } readTo && readTo <= head)
            {
                await ReadAsync(readTo + 1, head, cancellationToken);
                if (onChain.Anchors == _anchors.Count && onChain.Chain.AsSpan().SequenceEqual(_fold))
                {
                    return [.. _anchors];
                }
            }

            // First call, a chain that went back, or events that do not fold into the registry's chain: all again.
            (_anchors, _fold, _readTo) = ([], AnchorChain.Empty, null);
            await ReadAsync(_deployed, head, cancellationToken);
            return onChain.Anchors == _anchors.Count && onChain.Chain.AsSpan().SequenceEqual(_fold)
                ? [.. _anchors]
                : throw new InvalidDataException($"the CheckpointAnchored events of log 0x{Convert.ToHexStringLower(identity.LogId)} do not match the EvidenceRegistry's chain");
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ReadAsync(ulong from, ulong to, CancellationToken cancellationToken)
    {
        if (from <= to)
        {
            var anchored = chain.Web3.Eth.GetEvent<CheckpointAnchoredEvent>(_registry);
            // The topic goes in as object[]: the generic overload does not encode a byte[] as bytes32.
            var logs = await _logs.ReadAsync(anchored.CreateFilterInput(new object[] { identity.LogId }), from, to, cancellationToken);
            var added = logs.Select(l => l.DecodeEvent<CheckpointAnchoredEvent>().Event).Select(e => new Anchor { TreeSize = e.TreeSize, Root = e.Root }).ToList();
            _anchors.AddRange(added);
            _fold = AnchorChain.Fold(_fold, added);
        }

        _readTo = to;
    }
}
