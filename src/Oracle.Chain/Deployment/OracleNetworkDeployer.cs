using System.Text.Json;
using Nethereum.Contracts;
using Nethereum.Web3;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.DevWrappedBtc;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Contracts.EvidenceRegistry;
using Oracle.Chain.Contracts.LocalRandomnessSource;
using Oracle.Chain.Contracts.LocalVrfCoordinator;
using Oracle.Chain.Contracts.OracleRegistry;
using Oracle.Chain.Contracts.PriceFeed;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Contracts.TokenExchange;
using Oracle.Chain.Contracts.VrfRandomnessSource;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Keys;

namespace Oracle.Chain.Deployment;

/// <summary>
/// Deploys and wires the whole set of Oracle contracts to one chain and returns the manifest.
/// The order and the wiring calls are the network's constitution: docs/contracts.md describes them.
/// </summary>
public static class OracleNetworkDeployer
{
    /// <summary>Deploys every contract with the devnet parameters and <paramref name="web3"/>'s account as deployer.</summary>
    /// <param name="web3">A signing connection (see <see cref="ChainConnection.ConnectAsync"/>).</param>
    /// <param name="network">The network's name, written into the manifest.</param>
    /// <param name="progress">Receives one line per step, for command-line progress.</param>
    /// <param name="cancellationToken">Cancels between transactions.</param>
    public static Task<DeploymentManifest> DeployAsync(IWeb3 web3, string network, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
        => DeployAsync(web3, network, NetworkParameters.Devnet, progress, cancellationToken);

    /// <summary>Deploys every contract with <paramref name="parameters"/> and <paramref name="web3"/>'s account as deployer.</summary>
    /// <param name="web3">A signing connection (see <see cref="ChainConnection.ConnectAsync"/>).</param>
    /// <param name="network">The network's name, written into the manifest.</param>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="progress">Receives one line per step, for command-line progress.</param>
    /// <param name="cancellationToken">Cancels between transactions.</param>
    /// <exception cref="ArgumentException">The parameters contradict each other.</exception>
    public static async Task<DeploymentManifest> DeployAsync(IWeb3 web3, string network, NetworkParameters parameters, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(web3);
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Validate();
        var deployer = web3.TransactionManager.Account?.Address
            ?? throw new ArgumentException("the connection has no account to deploy with", nameof(web3));
        var chainId = (await web3.Eth.ChainId.SendRequestAsync().WaitAsync(cancellationToken)).Value;
        if (parameters.WrappedBtc is null)
        {
            // DevWrappedBtc lets its deployer mint at will: only ever on the local chain.
            DevelopmentKeys.EnsureLocal(chainId);
        }

        var contracts = new Dictionary<string, DeployedContract>(StringComparer.Ordinal);

        async Task<string> Deploy<T>(string key, string artifact, T message)
            where T : ContractDeploymentMessage, new()
        {
            progress?.Report($"deploying {key}");
            var deployed = await ContractDeployer.DeployAsync(web3, artifact, message, cancellationToken);
            contracts[key] = deployed with { Contract = artifact };
            return deployed.Address;
        }

        async Task Wire(string what, Func<Task> call)
        {
            progress?.Report(what);
            cancellationToken.ThrowIfCancellationRequested();
            await call();
        }

        var token = await Deploy(ContractNames.VpnToken, VpnTokenService.ContractName, new VpnTokenDeployment());
        var wrappedBtc = parameters.WrappedBtc
            ?? await Deploy(ContractNames.WrappedBtc, DevWrappedBtcService.ContractName, new DevWrappedBtcDeployment());
        var oracles = await Deploy(ContractNames.OracleRegistry, OracleRegistryService.ContractName, new OracleRegistryDeployment
        {
            Token = token,
            MinStake = parameters.OracleMinStake,
            UnbondingDelay = Seconds(parameters.OracleUnbondingDelay),
            SnapshotJoinWindow = Seconds(parameters.SnapshotJoinWindow),
            // A snapshot must stay readable until the drawing deadline of every round that joined it.
            SnapshotLifetime = Seconds(parameters.SnapshotJoinWindow + parameters.AppealPeriod + parameters.DrawingPeriod),
        });
        var vpnEth = await Deploy(ContractNames.PriceFeedVpnEth, PriceFeedService.ContractName, Feed(oracles, "VPN / ETH", parameters.GenesisVpnEthPrice, parameters));
        var btcEth = await Deploy(ContractNames.PriceFeedBtcEth, PriceFeedService.ContractName, Feed(oracles, "BTC / ETH", parameters.GenesisBtcEthPrice, parameters));
        var exchange = await Deploy(ContractNames.TokenExchange, TokenExchangeService.ContractName, new TokenExchangeDeployment
        {
            Vpn = token,
            Wbtc = wrappedBtc,
            VpnEth = vpnEth,
            BtcEth = btcEth,
            FeeBps = parameters.ExchangeFeeBps,
            MaxPriceAge = Seconds(parameters.MaxPriceAge),
            MaxPriceJumpBps = parameters.MaxPriceJumpBps,
            PriceJumpDelay = Seconds(parameters.PriceJumpDelay),
            Owner = deployer,
        });
        var providers = await Deploy(ContractNames.ProviderRegistry, ProviderRegistryService.ContractName, new ProviderRegistryDeployment
        {
            Token = token,
            MinBond = parameters.ProviderMinBond,
            UnbondingDelay = Seconds(parameters.ProviderUnbondingDelay),
        });
        var sessions = await Deploy(ContractNames.SessionManager, SessionManagerService.ContractName, new SessionManagerDeployment
        {
            Token = token,
            Providers = providers,
            ChallengeWindow = Seconds(parameters.ChallengeWindow),
            MaxSessionDuration = Seconds(parameters.MaxSessionDuration),
            DisputeWindow = Seconds(parameters.DisputeWindow),
        });
        await Deploy(ContractNames.EvidenceRegistry, EvidenceRegistryService.ContractName, new EvidenceRegistryDeployment
        {
            Token = token,
            MinBond = parameters.CollectorMinBond,
            UnbondingDelay = Seconds(parameters.CollectorUnbondingDelay),
        });
        string randomness;
        if (parameters.Randomness == RandomnessKind.Prevrandao)
        {
            // Predictable on a Hardhat chain: tests of the randomness interface only.
            DevelopmentKeys.EnsureLocal(chainId);
            randomness = await Deploy(ContractNames.RandomnessSource, LocalRandomnessSourceService.ContractName, new LocalRandomnessSourceDeployment());
        }
        else
        {
            var coordinator = parameters.VrfCoordinator;
            var keyHash = parameters.VrfKeyHash;
            if (coordinator is null)
            {
                // LocalVrfCoordinator: a stand-in for Chainlink's on the local chain only.
                DevelopmentKeys.EnsureLocal(chainId);
                var publicKey = parameters.LocalVrfPublicKey ?? DevelopmentKeys.Vrf().PublicKey;
                coordinator = await Deploy(ContractNames.VrfCoordinator, LocalVrfCoordinatorService.ContractName, new LocalVrfCoordinatorDeployment { PublicKey = [.. publicKey.ToEip197()] });
                keyHash = await new LocalVrfCoordinatorService(web3, coordinator).KeyHashQueryAsync(null, cancellationToken);
            }

            randomness = await Deploy(ContractNames.RandomnessSource, VrfRandomnessSourceService.ContractName, new VrfRandomnessSourceDeployment
            {
                Coordinator = coordinator,
                KeyHash = keyHash!,
                SubId = parameters.VrfSubscriptionId,
                RequestConfirmations = parameters.VrfRequestConfirmations,
                CallbackGasLimit = parameters.VrfCallbackGasLimit,
                NativePayment = parameters.VrfNativePayment,
            });
        }

        var disputes = await Deploy(ContractNames.DisputeManager, DisputeManagerService.ContractName, new DisputeManagerDeployment
        {
            Wiring = new Wiring { Token = token, Sessions = sessions, Oracles = oracles, Randomness = randomness },
            Parameters = new Parameters
            {
                FeePerSeat = parameters.FeePerSeat,
                StakePerRound = parameters.StakePerRound,
                LockPerSeat = parameters.LockPerSeat,
                CommitPeriod = Seconds(parameters.CommitPeriod),
                RevealPeriod = Seconds(parameters.RevealPeriod),
                AppealPeriod = Seconds(parameters.AppealPeriod),
                DrawingPeriod = Seconds(parameters.DrawingPeriod),
                MaxRounds = parameters.MaxRounds,
            },
        });

        await Wire("VpnToken.setMinter(TokenExchange)", () => new VpnTokenService(web3, token).SetMinterAsync(exchange, cancellationToken));
        await Wire("OracleRegistry.setDisputeManager", () => new OracleRegistryService(web3, oracles).SetDisputeManagerAsync(disputes, cancellationToken));
        await Wire("ProviderRegistry.setSessionManager", () => new ProviderRegistryService(web3, providers).SetSessionManagerAsync(sessions, cancellationToken));
        await Wire("SessionManager.setDisputeManager", () => new SessionManagerService(web3, sessions).SetDisputeManagerAsync(disputes, cancellationToken));
        if (parameters.Randomness == RandomnessKind.Vrf)
        {
            await Wire("RandomnessSource.setConsumer(DisputeManager)", () => new VrfRandomnessSourceService(web3, randomness).SetConsumerAsync(disputes, cancellationToken));
        }

        return new DeploymentManifest
        {
            Network = network,
            ChainId = (ulong)chainId,
            Deployer = deployer,
            DeployedAt = DateTimeOffset.UtcNow,
            Compiler = CompilerVersion(),
            Contracts = contracts,
        };
    }

    private static PriceFeedDeployment Feed(string oracles, string description, System.Numerics.BigInteger genesis, NetworkParameters parameters) => new()
    {
        GenesisAnswer = genesis,
        Registry = oracles,
        Description = description,
        Quorum = parameters.FeedQuorum,
        RoundTimeout = Seconds(parameters.FeedRoundTimeout),
    };

    private static ulong Seconds(TimeSpan span) => (ulong)span.TotalSeconds;

    private static string CompilerVersion()
    {
        using var stream = typeof(OracleNetworkDeployer).Assembly.GetManifestResourceStream("Oracle.Chain.Artifacts.index.json");
        return stream is null ? "unknown" : JsonDocument.Parse(stream).RootElement.GetProperty("solc").GetString() ?? "unknown";
    }
}
