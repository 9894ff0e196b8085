using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Nethereum.Contracts;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Deployment;
using Oracle.Chain.Events;
using Oracle.Chain.Tests.Support;
using Oracle.Testing;

namespace Oracle.Chain.Tests.Events;

/// <summary>Bounded log queries against a node that behaves like hosted ones (range limits, 503s), on a chain of this class's own.</summary>
public sealed class LogRangeReaderTests(PrivateChainFixture fixture) : IClassFixture<PrivateChainFixture>
{
    private ChainFixture Chain => fixture.Chain;

    [Fact]
    public async Task ReadAsync_NodeRefusesWideRanges_HalvesUntilAcceptedAndMissesNothing()
    {
        var (token, first, last) = await TransfersOverABlockSpanAsync();
        await using var node = new RpcInterceptor(Chain.RpcUrl, r => IsGetLogs(r) && Span(r) > 100
            ? RpcInterceptor.Reply.Error(r, -32005, "query returned more than 10000 results")
            : null);
        var filter = Chain.ReadOnly.Eth.GetEvent<TransferEvent>(token).CreateFilterInput();
        var reader = new LogRangeReader(new Nethereum.Web3.Web3(node.Url), maxRange: 1000);

        var logs = await reader.ReadAsync(filter, first, last);

        var direct = await new LogRangeReader(Chain.ReadOnly, maxRange: 10_000).ReadAsync(filter, first, last);
        Assert.Equal(direct.Select(l => (l.TransactionHash, l.LogIndex.Value)), logs.Select(l => (l.TransactionHash, l.LogIndex.Value)));
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (BigInteger)i), logs.Select(l => l.DecodeEvent<TransferEvent>().Event.Value));
        Assert.True(reader.CurrentRange <= 100, $"range {reader.CurrentRange}");
        var accepted = node.Requests.Where(r => IsGetLogs(r) && Span(r) <= 100).ToList();
        Assert.Equal(last - first + 1, (ulong)accepted.Sum(r => (long)Span(r)));
    }

    [Fact]
    public async Task FindLastAsync_LongSpan_SearchesBackFromTheHeadAndStopsAtTheFirstMatch()
    {
        var (token, first, last) = await TransfersOverABlockSpanAsync();
        await using var node = new RpcInterceptor(Chain.RpcUrl, _ => null);
        var filter = Chain.ReadOnly.Eth.GetEvent<TransferEvent>(token).CreateFilterInput();

        var found = await new LogRangeReader(new Nethereum.Web3.Web3(node.Url), maxRange: 50).FindLastAsync(filter, first, last);

        Assert.Equal(6, found!.DecodeEvent<TransferEvent>().Event.Value);
        // The last transfer is 198 blocks from the end: the fourth range back, and no further.
        Assert.Equal(4, node.Requests.Count(IsGetLogs));
        Assert.Null(await new LogRangeReader(Chain.ReadOnly, maxRange: 50).FindLastAsync(filter, last + 1, await Chain.BlockNumberAsync()));
    }

    [Fact]
    public async Task ReadAsync_NodeAnswers503ForAWhile_RetriesTheSameRange()
    {
        var (token, first, last) = await TransfersOverABlockSpanAsync();
        var failures = 3;
        await using var node = new RpcInterceptor(Chain.RpcUrl, r => IsGetLogs(r) && failures-- > 0 ? new RpcInterceptor.Reply(503, "busy") : null);
        var filter = Chain.ReadOnly.Eth.GetEvent<TransferEvent>(token).CreateFilterInput();

        var logs = await new LogRangeReader(new Nethereum.Web3.Web3(node.Url), maxRange: 10_000).ReadAsync(filter, first, last);

        Assert.Equal(6, logs.Count);
        Assert.Equal(4, node.Requests.Count(IsGetLogs));
    }

    // Six transfers spread over about 1 000 blocks.
    private async Task<(string Token, ulong First, ulong Last)> TransfersOverABlockSpanAsync()
    {
        var (key, web3) = await Chain.NewAccountAsync();
        var deployed = await ContractDeployer.DeployAsync(web3, VpnTokenService.ContractName, new VpnTokenDeployment());
        var token = new VpnTokenService(web3, deployed.Address);
        await token.SetMinterAsync(key.GetPublicAddress());
        for (var i = 1; i <= 6; i++)
        {
            await token.MintAsync(key.GetPublicAddress(), i);
            await Chain.MineManyAsync(197);
        }

        return (deployed.Address, deployed.BlockNumber, await Chain.BlockNumberAsync());
    }

    private static bool IsGetLogs(JsonObject request) => (string?)request["method"] == "eth_getLogs";

    private static ulong Span(JsonObject request)
    {
        var filter = request["params"]![0]!;
        return Block(filter["toBlock"]) - Block(filter["fromBlock"]) + 1;

        static ulong Block(JsonNode? n) => ulong.Parse(((string)n!)[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}
