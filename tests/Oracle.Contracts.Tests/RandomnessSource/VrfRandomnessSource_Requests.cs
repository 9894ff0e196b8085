using System.Numerics;
using System.Security.Cryptography;
using Nethereum.Contracts;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.LocalVrfCoordinator;
using Oracle.Chain.Contracts.VrfRandomnessSource;
using Oracle.Chain.Deployment;
using Oracle.Chain.Model;
using Oracle.Chain.Randomness;
using Oracle.Contracts.Tests.Support;
using Oracle.Core.Randomness;
using Oracle.Testing;

namespace Oracle.Contracts.Tests.RandomnessSource;

/// <summary>
/// VrfRandomnessSource behind the devnet's LocalVrfCoordinator: requests answered with the proving key's BLS signature
/// (verified on-chain), never expiring, consumed once; the coordinator refuses anything else.
/// </summary>
[Collection(ChainCollection.Name)]
public sealed class VrfRandomnessSource_Requests(ChainFixture chain) : IAsyncLifetime
{
    private TestNetwork _network = null!;
    private Actor _consumer = null!;
    private VrfRandomnessSourceService _source = null!;
    private LocalVrfCoordinatorService _coordinator = null!;

    public async Task InitializeAsync()
    {
        _network = await TestNetwork.DeployAsync(chain);
        _consumer = await _network.NewActorAsync();
        // A second source on the network's coordinator, whose consumer is a test account.
        var coordinator = _network.AddressOf(ContractNames.VrfCoordinator);
        _coordinator = new LocalVrfCoordinatorService(_consumer.Web3, coordinator);
        var deployed = await ContractDeployer.DeployAsync(_consumer.Web3, "VrfRandomnessSource", new VrfRandomnessSourceDeployment
        {
            Coordinator = coordinator,
            KeyHash = await _coordinator.KeyHashQueryAsync(),
            RequestConfirmations = 1,
            CallbackGasLimit = 100_000,
        });
        _source = new VrfRandomnessSourceService(_consumer.Web3, deployed.Address);
        await _source.SetConsumerAsync(_consumer.Address);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(BigInteger Local, RandomWordsRequestedEvent Request)> RequestAsync()
    {
        var receipt = await _source.RequestRandomnessAsync();
        var request = receipt.DecodeAllEvents<RandomWordsRequestedEvent>().Single().Event;
        return (request.RequestId >> 48, request);
    }

    private async Task<byte[]> SeedAsync(RandomWordsRequestedEvent request)
    {
        var block = await chain.ReadOnly.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(new Nethereum.RPC.Eth.DTOs.BlockParameter(request.Commitment.BlockNumber));
        return VrfKey.Seed(request.RequestId, Convert.FromHexString(block.BlockHash[2..]));
    }

    [Fact]
    public async Task Request_AnsweredWithTheKeysSignature_ValueReadByTheConsumerAndKept()
    {
        var (local, request) = await RequestAsync();
        Assert.Equal(request.RequestId, await _coordinator.RequestIdOfQueryAsync(request.Commitment));
        Assert.False((await _source.StatusQueryAsync(local)).Ready);
        await Revert.WithAsync("RandomnessNotReady", () => _source.ConsumeRandomnessQueryAsync(local));

        // Long after the request (but within 256 blocks) the answer still comes: a VRF request never expires.
        await chain.MineAsync(100);
        var fulfiller = new VrfFulfiller(_consumer.Web3, _coordinator.Address, _network.VrfKey!);
        var receipt = await fulfiller.FulfillAsync(request.RequestId, request.Commitment);

        var fulfilled = receipt.DecodeAllEvents<RandomWordsFulfilledEvent>().Single().Event;
        Assert.True(fulfilled.Success);
        var seed = await SeedAsync(request);
        Assert.Equal(seed, await _coordinator.SeedOfQueryAsync(request.RequestId, request.Commitment.BlockNumber));
        var signature = _network.VrfKey!.Prove(seed);
        Assert.Equal(signature.X, fulfilled.SignatureX);
        Assert.True((await _source.StatusQueryAsync(local)).Ready);
        var expected = (VrfKey.Word(signature, 0) | 1).ToByteArray(isUnsigned: true, isBigEndian: true);
        expected = expected.Length < 32 ? new byte[32 - expected.Length].Concat(expected).ToArray() : expected;
        Assert.Equal(expected, await _source.ConsumeRandomnessQueryAsync(local));
        Assert.Equal(expected, await _source.ValueOfQueryAsync(local));
        // The answer is unique: answering again delivers the same value and changes nothing.
        var again = (await fulfiller.FulfillAsync(request.RequestId, request.Commitment)).DecodeAllEvents<RandomWordsFulfilledEvent>().Single().Event;
        Assert.Equal(fulfilled.SignatureY, again.SignatureY);
        Assert.Equal(expected, await _source.ValueOfQueryAsync(local));
        Assert.Empty((await fulfiller.FulfillPendingAsync(request.Commitment.BlockNumber)).Answered);
    }

    [Fact]
    public async Task Fulfil_AnotherKeySeedOrCommitmentOrTooLittleGas_RevertsAndTheValueStaysUnanswered()
    {
        var (local, request) = await RequestAsync();
        var other = VrfKey.FromSecret(RandomNumberGenerator.GetBytes(32));
        // The seed needs the request block's hash: from the next block on.
        await Revert.WithAsync("VrfBlockhashUnavailable", () => _coordinator.SeedOfQueryAsync(request.RequestId, request.Commitment.BlockNumber));
        await chain.MineAsync();
        var seed = await _coordinator.SeedOfQueryAsync(request.RequestId, request.Commitment.BlockNumber);
        Assert.Equal(await SeedAsync(request), seed);
        var wrongKey = other.Prove(seed);
        var wrongSeed = _network.VrfKey!.Prove(SHA256.HashData(seed));
        var right = _network.VrfKey!.Prove(seed);
        var c = request.Commitment;

        await Revert.WithAsync("VrfInvalidProof", () => _coordinator.FulfillRandomWordsAsync(c, [wrongKey.X, wrongKey.Y]));
        await Revert.WithAsync("VrfInvalidProof", () => _coordinator.FulfillRandomWordsAsync(c, [wrongSeed.X, wrongSeed.Y]));
        await Revert.WithAsync("VrfInvalidProof", () => _coordinator.FulfillRandomWordsAsync(c, [0, 0]));
        // A commitment changed in any field is another request, whose seed the signature does not sign.
        var starvedGas = new RequestCommitment { Sender = c.Sender, BlockNumber = c.BlockNumber, RequestConfirmations = c.RequestConfirmations, CallbackGasLimit = 1, NumWords = c.NumWords, NonceValue = c.NonceValue };
        await Revert.WithAsync("VrfInvalidProof", () => _coordinator.FulfillRandomWordsAsync(starvedGas, [right.X, right.Y]));
        // A fulfiller that sends too little gas for the callback cannot answer with a starved callback.
        var starved = await _coordinator.TrySendAsync(new FulfillRandomWordsFunction { Commitment = c, Signature = [right.X, right.Y], Gas = 200_000 });
        Assert.False(starved.IsSuccess);
        Assert.False((await _source.StatusQueryAsync(local)).Ready);

        await _coordinator.FulfillRandomWordsAsync(c, [right.X, right.Y]);
        Assert.True((await _source.StatusQueryAsync(local)).Ready);
    }

    [Fact]
    public async Task Requests_WrongKeyTooManyWordsTooEarlyOrStale_RevertWithNamedErrors()
    {
        var keyHash = await _coordinator.KeyHashQueryAsync();
        RandomWordsRequest Req(byte[] key, uint words, ushort confirmations = 1) => new() { KeyHash = key, NumWords = words, CallbackGasLimit = 100_000, RequestConfirmations = confirmations, ExtraArgs = [] };
        await Revert.WithAsync("VrfUnknownKeyHash", () => _coordinator.RequestRandomWordsAsync(Req(new byte[32], 1)));
        await Revert.WithAsync("VrfInvalidRequest", () => _coordinator.RequestRandomWordsAsync(Req(keyHash, 0)));
        await Revert.WithAsync("VrfInvalidRequest", () => _coordinator.RequestRandomWordsAsync(Req(keyHash, 11)));

        // Three confirmations: not before three blocks are on top of the request.
        var request = (await _coordinator.RequestRandomWordsAsync(Req(keyHash, 2, 3))).DecodeAllEvents<RandomWordsRequestedEvent>().Single().Event;
        await chain.MineAsync();
        var proof = _network.VrfKey!.Prove(await SeedAsync(request));
        await Revert.WithAsync("VrfTooEarly", () => _coordinator.FulfillRandomWordsAsync(request.Commitment, [proof.X, proof.Y]));
        await chain.MineAsync();
        // The requester is an account: there is nothing to call back, the answer is recorded all the same.
        var answered = (await _coordinator.FulfillRandomWordsAsync(request.Commitment, [proof.X, proof.Y])).DecodeAllEvents<RandomWordsFulfilledEvent>().Single().Event;
        Assert.False(answered.Success);

        // A request whose block left the last 256 is answerable only when someone stored its hash in time.
        var late = (await _coordinator.RequestRandomWordsAsync(Req(keyHash, 1))).DecodeAllEvents<RandomWordsRequestedEvent>().Single().Event;
        var stored = (await _coordinator.RequestRandomWordsAsync(Req(keyHash, 1))).DecodeAllEvents<RandomWordsRequestedEvent>().Single().Event;
        await chain.MineAsync();
        var lateProof = _network.VrfKey!.Prove(await SeedAsync(late));
        var storedProof = _network.VrfKey!.Prove(await SeedAsync(stored));
        await _coordinator.StoreBlockhashAsync(stored.Commitment.BlockNumber);
        await chain.MineAsync(260);
        await Revert.WithAsync("VrfBlockhashUnavailable", () => _coordinator.FulfillRandomWordsAsync(late.Commitment, [lateProof.X, lateProof.Y]));
        await Revert.WithAsync("VrfBlockhashUnavailable", () => _coordinator.StoreBlockhashAsync(late.Commitment.BlockNumber));
        await _coordinator.FulfillRandomWordsAsync(stored.Commitment, [storedProof.X, storedProof.Y]);
    }

    [Fact]
    public async Task Source_StrangersAndSecondConsumer_RevertVrfSourceUnauthorized()
    {
        var stranger = await _network.NewActorAsync();
        var asStranger = new VrfRandomnessSourceService(stranger.Web3, _source.Address);

        await Revert.WithAsync("VrfSourceUnauthorized", () => asStranger.RequestRandomnessAsync());
        await Revert.WithAsync("VrfSourceUnauthorized", () => asStranger.ConsumeRandomnessQueryAsync(1));
        await Revert.WithAsync("VrfSourceUnauthorized", () => asStranger.RawFulfillRandomWordsAsync(1 << 48, [7]));
        await Revert.WithAsync("VrfSourceUnauthorized", () => asStranger.SetConsumerAsync(stranger.Address));
        await Revert.WithAsync("VrfSourceConsumerAlreadySet", () => _source.SetConsumerAsync(stranger.Address));
        Assert.Equal(_coordinator.Address, await _source.CoordinatorQueryAsync(), ignoreCase: true);
        Assert.Equal(_consumer.Address, await _source.ConsumerQueryAsync(), ignoreCase: true);
        var config = await _source.RequestConfigQueryAsync();
        Assert.Equal(100_000U, config.CallbackGasLimit);
        Assert.Equal(5, await _source.LocalRequestIdQueryAsync(new BigInteger(5) << 48));
        // The network's own source serves only its DisputeManager.
        var networkSource = new VrfRandomnessSourceService(stranger.Web3, _network.AddressOf(ContractNames.RandomnessSource));
        Assert.Equal(_network.AddressOf(ContractNames.DisputeManager), await networkSource.ConsumerQueryAsync(), ignoreCase: true);
    }

    [Fact]
    public async Task RandomnessDuty_RequestsOfAnotherRequester_AreNotAnswered()
    {
        // Anyone may ask the coordinator for free; the network's duty answers only its own RandomnessSource.
        var (local, _) = await RequestAsync();
        await chain.MineAsync();

        Assert.Equal(0, await _network.FulfillRandomnessAsync());
        Assert.False((await _source.StatusQueryAsync(local)).Ready);
    }

    [Fact]
    public async Task HashToCurve_OnChain_MatchesOracleCore()
    {
        for (var i = 0; i < 5; i++)
        {
            var message = SHA256.HashData(BitConverter.GetBytes(i));
            var point = Bn254.HashToG1(message);
            Assert.Equal([point.X, point.Y], await _coordinator.HashToCurveQueryAsync(message));
        }

        Assert.Equal(_network.VrfKey!.PublicKey.ToEip197(), await _coordinator.PublicKeyQueryAsync());
        Assert.Equal(_network.VrfKey!.KeyHash, await _coordinator.KeyHashQueryAsync());
    }

    [Fact]
    public async Task Dispute_DrawBeforeTheAnswer_RevertsRandomnessNotReadyThenDrawsAfterIt()
    {
        var oracles = new List<Actor>();
        for (var i = 0; i < 3; i++)
        {
            oracles.Add(await _network.NewOracleAsync(1000));
        }

        var provider = await _network.NewProviderAsync();
        var client = await _network.NewActorAsync(vpn: 500);
        var (sessionId, s) = await Sessions.OpenAsync(_network, client, Sessions.Params(_network, provider));
        var (id, dispute) = await Disputes.FileAsync(_network, client, Disputes.Claim(sessionId, ClaimType.ProviderOvercharged), Disputes.Terms(s));
        await chain.MineAsync(40);

        await Revert.WithAsync("RandomnessNotReady", () => client.Disputes.DrawAsync(id, dispute));
        Assert.Equal(1, await _network.FulfillRandomnessAsync());
        var drawn = TestNetwork.Event<Oracle.Chain.Contracts.DisputeManager.CommitteeDrawnEvent>(await client.Disputes.DrawAsync(id, dispute));
        Assert.Equal(5, drawn.Committee.Count);
    }
}
