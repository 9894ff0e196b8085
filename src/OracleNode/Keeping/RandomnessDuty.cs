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
using OracleNode.Storage;

namespace OracleNode.Keeping;

/// <summary>
/// The randomness duty on a local network (docs/protocol.md §7.4): answers LocalVrfCoordinator's requests from the
/// network's RandomnessSource with the VRF proof of the run's key, sent from the node's account, so committees are
/// drawn without anyone calling a contract by hand. A request is answered once the chain is past its confirmations;
/// one already answered (by this node or another holder of the key) is skipped. Where several nodes hold the key they
/// stand down like keepers (<see cref="StandDown"/>, <c>Keeper:Slot</c>): the first in a request's order answers at
/// once, the k-th only if it is still unanswered k slots later.
/// </summary>
internal sealed class RandomnessDuty(NodeChain chain, VrfKey key, INodeStore store, IOptions<NodeOptions> options, IOptions<KeeperOptions> keeper, NodeMetrics metrics,
    TimeProvider time, ILogger<RandomnessDuty> logger) : BackgroundService
{
    // When each request was first seen answerable (wall clock): the stand-down wait runs from there.
    private readonly Dictionary<BigInteger, DateTimeOffset> _dueSince = [];

    private readonly string _coordinator = chain.Context.TryAddressOf(ContractNames.VrfCoordinator)
        ?? throw new InvalidOperationException("the manifest names no VrfCoordinator");

    private readonly string _requester = chain.Context.AddressOf(ContractNames.RandomnessSource);

    // Blocks read again on every pass: an answer a reorganization took out is sent again (a request's block is
    // answerable for 256 blocks; a deeper reorganization than this is the chain's confirmations' business).
    private const ulong Lookback = 128;

    private ulong _next;

    private ulong _start;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _next = _start = chain.Context.DeploymentBlock(ContractNames.VrfCoordinator);
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

    /// <summary>One pass: every request since the oldest one not answered yet (and the last <see cref="Lookback"/> blocks).</summary>
    public async Task PassAsync(CancellationToken cancellationToken)
    {
        var web3 = chain.Context.Web3;
        var latest = (ulong)(await web3.Eth.Blocks.GetBlockNumber.SendRequestAsync().WaitAsync(cancellationToken).ConfigureAwait(false)).Value;
        var start = Math.Max(_start, Math.Min(_next, latest > Lookback ? latest - Lookback : 0));
        if (latest < start)
        {
            return;
        }

        var requested = web3.Eth.GetEvent<RandomWordsRequestedEvent>(_coordinator);
        var fulfilled = web3.Eth.GetEvent<RandomWordsFulfilledEvent>(_coordinator);
        var requests = new List<RandomWordsRequestedEvent>();
        var answered = new HashSet<BigInteger>();
        var range = Math.Max(1UL, chain.Context.MaxLogRange);
        for (var from = start; from <= latest; from += range)
        {
            var to = Math.Min(latest, from + range - 1);
            var window = (new BlockParameter(new HexBigInteger(from)), new BlockParameter(new HexBigInteger(to)));
            requests.AddRange((await requested.GetAllChangesAsync(requested.CreateFilterInput(window.Item1, window.Item2)).WaitAsync(cancellationToken).ConfigureAwait(false)).Select(l => l.Event));
            answered.UnionWith((await fulfilled.GetAllChangesAsync(fulfilled.CreateFilterInput(window.Item1, window.Item2)).WaitAsync(cancellationToken).ConfigureAwait(false)).Select(l => l.Event.RequestId));
        }

        var parameters = await chain.ParametersAsync(cancellationToken).ConfigureAwait(false);
        var oracles = (await store.StakesAsync(cancellationToken).ConfigureAwait(false))
            .Where(s => BigInteger.Parse(s.Stake, System.Globalization.CultureInfo.InvariantCulture) >= parameters.MinStake)
            .Select(s => s.Oracle)
            .ToList();
        var next = latest + 1;
        foreach (var request in requests)
        {
            var commitment = request.Commitment;
            if (!string.Equals(request.Sender, _requester, StringComparison.OrdinalIgnoreCase) || answered.Contains(request.RequestId))
            {
                continue;
            }

            // Answerable from block + max(1, confirmations); the answer goes into the block after `latest` at the earliest.
            if (latest + 1 < commitment.BlockNumber + Math.Max(1UL, commitment.RequestConfirmations) || !MyTurn(request.RequestId, oracles)
                || !await AnswerAsync(request, cancellationToken).ConfigureAwait(false))
            {
                next = Math.Min(next, commitment.BlockNumber);
            }
            else
            {
                _dueSince.Remove(request.RequestId);
            }
        }

        foreach (var answer in answered)
        {
            _dueSince.Remove(answer);
        }

        _next = next;
    }

    private bool MyTurn(BigInteger requestId, IReadOnlyCollection<string> oracles)
    {
        if (!_dueSince.TryGetValue(requestId, out var since))
        {
            _dueSince[requestId] = since = time.GetUtcNow();
        }

        var rank = StandDown.Rank("randomness", (ulong)(requestId & ulong.MaxValue), 0, chain.Me, oracles);
        return time.GetUtcNow() - since >= keeper.Value.Slot * rank;
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
