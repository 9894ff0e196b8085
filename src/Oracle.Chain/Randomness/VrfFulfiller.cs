using System.Numerics;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.LocalVrfCoordinator;
using Oracle.Core.Randomness;

namespace Oracle.Chain.Randomness;

/// <summary>
/// The randomness duty of the local network (docs/protocol.md §7.4): answers LocalVrfCoordinator's requests with the
/// proving key's BLS signature of each request's seed, so that committee draws can happen. The oracle node holding the
/// network's VRF key runs it; the contract tests and the gas benchmark use it directly.
/// </summary>
/// <param name="web3">A signing connection (any funded account: the signature, not the sender, is the proof).</param>
/// <param name="coordinator">LocalVrfCoordinator's address.</param>
/// <param name="key">The coordinator's proving key.</param>
/// <param name="requester">Answer only this requester's requests (the network's RandomnessSource): anyone may ask the
/// coordinator for free, and each answer costs the fulfiller about 175,000 gas. Null answers every request.</param>
public sealed class VrfFulfiller(IWeb3 web3, string coordinator, VrfKey key, string? requester = null)
{
    private readonly LocalVrfCoordinatorService _service = new(web3, coordinator);

    /// <summary>
    /// Answers every request made from <paramref name="fromBlock"/> on that has no answer yet (no
    /// <c>RandomWordsFulfilled</c>) and has its confirmations.
    /// </summary>
    /// <param name="fromBlock">The first block to look at (the coordinator's deployment block, or the last pass's
    /// <see cref="VrfFulfillPass.NextFromBlock"/>).</param>
    /// <param name="cancellationToken">Cancels between requests.</param>
    /// <returns>The requests answered and where the next pass starts (the block of the oldest request still waiting
    /// for confirmations, or the block after the latest).</returns>
    public async Task<VrfFulfillPass> FulfillPendingAsync(ulong fromBlock, CancellationToken cancellationToken = default)
    {
        var latest = (ulong)(await web3.Eth.Blocks.GetBlockNumber.SendRequestAsync().WaitAsync(cancellationToken)).Value;
        var from = new BlockParameter(new HexBigInteger(fromBlock));
        var to = new BlockParameter(new HexBigInteger(latest));
        var requested = web3.Eth.GetEvent<RandomWordsRequestedEvent>(coordinator);
        var fulfilled = web3.Eth.GetEvent<RandomWordsFulfilledEvent>(coordinator);
        var requests = await requested.GetAllChangesAsync(requested.CreateFilterInput(from, to)).WaitAsync(cancellationToken);
        var answers = await fulfilled.GetAllChangesAsync(fulfilled.CreateFilterInput(from, to)).WaitAsync(cancellationToken);
        var done = answers.Select(a => a.Event.RequestId).ToHashSet();
        var answered = new List<BigInteger>();
        var next = latest + 1;
        foreach (var log in requests)
        {
            var e = log.Event;
            if ((requester is not null && !string.Equals(e.Sender, requester, StringComparison.OrdinalIgnoreCase)) || !done.Add(e.RequestId))
            {
                continue;
            }

            // Answerable from block + max(1, confirmations); this transaction goes into the block after `latest`.
            var commitment = e.Commitment;
            if (latest + 1 < commitment.BlockNumber + Math.Max(1UL, commitment.RequestConfirmations))
            {
                next = Math.Min(next, commitment.BlockNumber);
                done.Remove(e.RequestId);
                continue;
            }

            await FulfillAsync(e.RequestId, commitment, cancellationToken);
            answered.Add(e.RequestId);
        }

        return new VrfFulfillPass(answered, next);
    }

    /// <summary>
    /// Answers one request: its seed is <c>keccak256(abi.encode(requestId, hash of the request's block))</c>; sends
    /// <c>fulfillRandomWords</c> with the commitment and the key's signature of the seed. The request block must be
    /// one of the last 256 when the answer is mined (or stored with <c>storeBlockhash</c> before it left that window).
    /// </summary>
    /// <param name="requestId">The coordinator's request id.</param>
    /// <param name="commitment">The request's commitment (from <c>RandomWordsRequested</c>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The receipt.</returns>
    public async Task<TransactionReceipt> FulfillAsync(BigInteger requestId, RequestCommitment commitment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commitment);
        var block = await web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(new BlockParameter(new HexBigInteger(commitment.BlockNumber))).WaitAsync(cancellationToken)
            ?? throw new InvalidOperationException($"block {commitment.BlockNumber} of VRF request {requestId} is unknown to the node");
        var seed = VrfKey.Seed(requestId, Convert.FromHexString(block.BlockHash[2..]));
        var signature = key.Prove(seed);
        return await _service.FulfillRandomWordsAsync(commitment, [signature.X, signature.Y], cancellationToken);
    }
}
