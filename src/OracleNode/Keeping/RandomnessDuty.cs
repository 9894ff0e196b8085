using System.Numerics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Oracle.Chain.Contracts.LocalVrfCoordinator;
using Oracle.Chain.Deployment;
using Oracle.Chain.Transactions;
using Oracle.Core.Randomness;
using OracleNode.Hosting;

namespace OracleNode.Keeping;

/// <summary>
/// The randomness duty on a local network (docs/protocol.md §7.4): answers LocalVrfCoordinator's requests from the
/// network's RandomnessSource with the VRF proof of the run's key, sent from the node's account, so committees are
/// drawn without anyone calling a contract by hand. A request is answered once the chain is past its confirmations;
/// one already answered (by this node or another holder of the key) is skipped, and an answer that reverts because
/// another came first costs nothing (the sender estimates before it sends).
/// </summary>
internal sealed class RandomnessDuty(NodeChain chain, VrfKey key, IOptions<NodeOptions> options, NodeMetrics metrics, ILogger<RandomnessDuty> logger) : BackgroundService
{
    private readonly string _coordinator = chain.Context.TryAddressOf(ContractNames.VrfCoordinator)
        ?? throw new InvalidOperationException("the manifest names no VrfCoordinator");

    private readonly string _requester = chain.Context.AddressOf(ContractNames.RandomnessSource);

    private ulong _next;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _next = chain.Context.DeploymentBlock(ContractNames.VrfCoordinator);
        var keyHash = await new LocalVrfCoordinatorService(chain.Context.Web3, _coordinator).KeyHashQueryAsync(null, stoppingToken).ConfigureAwait(false);
        if (!keyHash.AsSpan().SequenceEqual(key.KeyHash))
        {
            // Its proofs would all revert (VrfInvalidProof): say so once instead of paying for estimates forever.
            logger.LogError("randomness duty off: Randomness:VrfKeystore is not the key of {Coordinator} (key hash {Mine}, the coordinator's {Theirs})",
                _coordinator, Convert.ToHexStringLower(key.KeyHash), Convert.ToHexStringLower(keyHash));
            return;
        }

        logger.LogInformation("randomness duty: answering {Coordinator}'s requests of {Requester} from block {Block}", _coordinator, _requester, _next);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PassAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                metrics.Errors.Add(1, new KeyValuePair<string, object?>("duty", "randomness"));
                logger.LogWarning("randomness duty: pass failed ({Error}); trying again", e.GetBaseException().Message);
            }

            await Task.Delay(options.Value.TickInterval, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>One pass: every request since the oldest one not answered yet.</summary>
    public async Task PassAsync(CancellationToken cancellationToken)
    {
        var web3 = chain.Context.Web3;
        var latest = (ulong)(await web3.Eth.Blocks.GetBlockNumber.SendRequestAsync().WaitAsync(cancellationToken).ConfigureAwait(false)).Value;
        if (latest < _next)
        {
            return;
        }

        var requested = web3.Eth.GetEvent<RandomWordsRequestedEvent>(_coordinator);
        var fulfilled = web3.Eth.GetEvent<RandomWordsFulfilledEvent>(_coordinator);
        var requests = new List<RandomWordsRequestedEvent>();
        var answered = new HashSet<BigInteger>();
        var range = Math.Max(1UL, chain.Context.MaxLogRange);
        for (var from = _next; from <= latest; from += range)
        {
            var to = Math.Min(latest, from + range - 1);
            var window = (new BlockParameter(new HexBigInteger(from)), new BlockParameter(new HexBigInteger(to)));
            requests.AddRange((await requested.GetAllChangesAsync(requested.CreateFilterInput(window.Item1, window.Item2)).WaitAsync(cancellationToken).ConfigureAwait(false)).Select(l => l.Event));
            answered.UnionWith((await fulfilled.GetAllChangesAsync(fulfilled.CreateFilterInput(window.Item1, window.Item2)).WaitAsync(cancellationToken).ConfigureAwait(false)).Select(l => l.Event.RequestId));
        }

        var next = latest + 1;
        foreach (var request in requests)
        {
            var commitment = request.Commitment;
            if (!string.Equals(request.Sender, _requester, StringComparison.OrdinalIgnoreCase) || answered.Contains(request.RequestId))
            {
                continue;
            }

            // Answerable from block + max(1, confirmations); the answer goes into the block after `latest` at the earliest.
            if (latest + 1 < commitment.BlockNumber + Math.Max(1UL, commitment.RequestConfirmations) || !await AnswerAsync(request, cancellationToken).ConfigureAwait(false))
            {
                next = Math.Min(next, commitment.BlockNumber);
            }
        }

        _next = next;
    }

    private async Task<bool> AnswerAsync(RandomWordsRequestedEvent request, CancellationToken cancellationToken)
    {
        var commitment = request.Commitment;
        var block = await chain.Context.Web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(new BlockParameter(new HexBigInteger(commitment.BlockNumber))).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (block is null)
        {
            return false;
        }

        var signature = key.Prove(VrfKey.Seed(request.RequestId, Convert.FromHexString(block.BlockHash[2..])));
        var result = await chain.Sender.TrySendAsync(_coordinator, new FulfillRandomWordsFunction { Commitment = commitment, Signature = [signature.X, signature.Y] }, cancellationToken).ConfigureAwait(false);
        if (result.IsSuccess)
        {
            metrics.RandomnessFulfilled.Add(1);
            logger.LogInformation("randomness request {Request} answered ({Transaction})", request.RequestId, result.TransactionHash);
            return true;
        }

        // Answered by someone else meanwhile (the next pass sees its RandomWordsFulfilled), or a transient failure.
        logger.LogInformation("randomness request {Request} not answered: {Error}", request.RequestId, result.Error);
        return false;
    }
}
