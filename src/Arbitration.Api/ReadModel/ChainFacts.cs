using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Oracle.Chain;
using Oracle.Chain.Contracts.TokenExchange;
using Oracle.Chain.Deployment;

namespace Arbitration.Api.ReadModel;

/// <summary>Block times and exchange references from the node of the service's <see cref="ChainContext"/>.</summary>
internal sealed class ChainFacts(ChainContext chain) : IChainFacts
{
    public async Task<IReadOnlyDictionary<ulong, (ulong Time, string Hash)>> BlocksAsync(IReadOnlyCollection<ulong> blocks, CancellationToken cancellationToken)
    {
        using var limit = new SemaphoreSlim(8);
        var times = await Task.WhenAll(blocks.Distinct().Select(async number =>
        {
            await limit.WaitAsync(cancellationToken);
            try
            {
                var block = await chain.Web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber
                    .SendRequestAsync(new BlockParameter(new HexBigInteger(number))).WaitAsync(cancellationToken)
                    ?? throw new InvalidOperationException($"block {number} is not on the node");
                return (number, block: ((ulong)block.Timestamp.Value, block.BlockHash.ToLowerInvariant()));
            }
            finally
            {
                limit.Release();
            }
        }));
        return times.ToDictionary(t => t.number, t => t.block);
    }

    public async Task<ExchangeReference> ReferenceAsync(string feed, ulong block, CancellationToken cancellationToken)
    {
        var exchange = new TokenExchangeService(chain.Web3, chain.AddressOf(ContractNames.TokenExchange));
        var output = await exchange.ReferencePriceQueryAsync(feed, new BlockParameter(new HexBigInteger(block)), cancellationToken);
        return new ExchangeReference(output.RoundId, output.Answer, (ulong)output.AcceptedAt);
    }
}
