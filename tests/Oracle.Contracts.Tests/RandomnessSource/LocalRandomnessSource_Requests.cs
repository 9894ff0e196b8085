using System.Numerics;
using Oracle.Chain.Contracts.LocalRandomnessSource;
using Oracle.Chain.Deployment;
using Oracle.Contracts.Tests.Support;
using Oracle.Testing;

namespace Oracle.Contracts.Tests.RandomnessSource;

[Collection(ChainCollection.Name)]
public sealed class LocalRandomnessSource_Requests(ChainFixture chain) : IAsyncLifetime
{
    private TestNetwork _network = null!;
    private Actor _requester = null!;
    private LocalRandomnessSourceService _source = null!;

    public async Task InitializeAsync()
    {
        // LocalRandomnessSource serves only networks deployed for it (tests); the devnet uses VrfRandomnessSource.
        _network = await TestNetwork.DeployAsync(chain, NetworkParameters.Devnet with { Randomness = RandomnessKind.Prevrandao });
        _requester = await _network.NewActorAsync();
        _source = new LocalRandomnessSourceService(_requester.Web3, _network.AddressOf(ContractNames.RandomnessSource));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static BigInteger Id(BigInteger readyAt, string requester) => (readyAt << 160) | new BigInteger(Convert.FromHexString(requester[2..]), isUnsigned: true, isBigEndian: true);

    [Fact]
    public async Task RequestThenConsume_NextBlock_ReturnsAValueOnce()
    {
        var requested = TestNetwork.Event<RandomnessRequestedEvent>(await _source.RequestRandomnessAsync());
        var block = await chain.ReadOnly.Eth.Blocks.GetBlockNumber.SendRequestAsync();

        Assert.Equal(block.Value + 1, requested.ReadyAtBlock);
        var consumed = TestNetwork.Event<RandomnessConsumedEvent>(await _source.ConsumeRandomnessAsync(requested.RequestId));
        Assert.Equal(32, consumed.Value.Length);
        Assert.Equal(1, await _source.DELAYQueryAsync());
        Assert.Equal(32, await _source.MAX_LAGQueryAsync());
    }

    [Fact]
    public async Task Consume_TooEarlyTooLateOrNotTheRequester_RevertsWithNamedErrors()
    {
        var block = (await chain.ReadOnly.Eth.Blocks.GetBlockNumber.SendRequestAsync()).Value;
        var stranger = await _network.NewActorAsync();

        await Revert.WithAsync("RandomnessNotReady", () => _source.ConsumeRandomnessAsync(Id(block + 100, _requester.Address)));
        await Revert.WithAsync("RandomnessExpired", () => _source.ConsumeRandomnessAsync(Id(1, _requester.Address)));
        await Revert.WithAsync("RandomnessNotRequester", () => _source.ConsumeRandomnessAsync(Id(block, stranger.Address)));
        var early = await _source.StatusQueryAsync(Id(block + 100, _requester.Address));
        Assert.False(early.Ready);
        Assert.False(early.Expired);
        Assert.True((await _source.StatusQueryAsync(Id(1, _requester.Address))).Expired);
    }
}
