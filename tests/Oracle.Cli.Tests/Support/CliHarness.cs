using System.Numerics;
using Nethereum.Signer;
using Oracle.Chain.Keys;
using Oracle.Cli.Hosting;
using Oracle.Testing;

namespace Oracle.Cli.Tests.Support;

/// <summary>
/// Runs the `oracle` command line in-process against a deployed network, as a user would (arguments in, exit code and
/// output out), with an environment of its own: the node and manifest as ORACLE_Chain__* variables, a keystore password
/// in ORACLE_KEYSTORE_PASSWORD, a HOME without configuration.
/// </summary>
public sealed class CliHarness : IDisposable
{
    public const string Password = "harness-password";

    private readonly Dictionary<string, string?> _environment;

    private CliHarness(ChainFixture chain, string manifest, string folder, Nethereum.Web3.IWeb3? deployer = null)
    {
        Deployer = deployer;
        Chain = chain;
        Manifest = manifest;
        Folder = folder;
        _environment = new Dictionary<string, string?>
        {
            ["ORACLE_Chain__RpcUrl"] = chain.RpcUrl,
            ["ORACLE_Chain__Manifest"] = manifest,
            [KeyStoreFile.PasswordVariable] = Password,
            ["HOME"] = folder,
        };
    }

    public ChainFixture Chain { get; }

    public string Manifest { get; }

    /// <summary>The deployer of a network of the test's own (it mints the devnet's wrapped BTC); null on the shared network.</summary>
    public Nethereum.Web3.IWeb3? Deployer { get; }

    /// <summary>A folder of the test's own (keystores, files), removed on dispose.</summary>
    public string Folder { get; }

    /// <summary>A harness on the test process's shared network.</summary>
    public static async Task<CliHarness> SharedAsync()
    {
        var network = await DeployedNetwork.GetAsync();
        return new CliHarness(await ChainFixture.ForAsync(network.RpcUrl), network.ManifestPath, Directory.CreateTempSubdirectory("oracle-cli-test-").FullName);
    }

    /// <summary>A harness on a network of the test's own (a private chain whose clock the test moves).</summary>
    public static async Task<CliHarness> OwnNetworkAsync(ChainFixture chain, Oracle.Chain.Deployment.NetworkParameters? parameters = null)
    {
        var folder = Directory.CreateTempSubdirectory("oracle-cli-test-").FullName;
        var (_, deployer) = await chain.NewAccountAsync(1_000_000);
        var manifest = await Oracle.Chain.Deployment.OracleNetworkDeployer.DeployAsync(deployer, "test", parameters ?? Oracle.Chain.Deployment.NetworkParameters.Devnet);
        var path = Path.Combine(folder, "test.json");
        manifest.Save(path);
        return new CliHarness(chain, path, folder, deployer);
    }

    /// <summary>Mints <paramref name="satoshi"/> of the network's DevWrappedBtc to <paramref name="to"/> (networks of the test's own).</summary>
    public async Task MintWrappedBtcAsync(string to, System.Numerics.BigInteger satoshi)
    {
        var deployer = Deployer ?? throw new InvalidOperationException("only the deployer of a network of the test's own mints");
        var manifest = Oracle.Chain.Deployment.DeploymentManifest.Load(Manifest);
        await new Oracle.Chain.Contracts.DevWrappedBtc.DevWrappedBtcService(deployer, manifest.AddressOf(Oracle.Chain.Deployment.ContractNames.WrappedBtc)).MintAsync(to, satoshi);
    }

    /// <summary>Sets (or, with null, removes) an environment variable for later runs.</summary>
    public void Set(string name, string? value) => _environment[name] = value;

    /// <summary>Runs <c>oracle <paramref name="args"/></c>.</summary>
    public async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var app = new CliApplication(name => _environment.TryGetValue(name, out var v) ? v : null, interactive: false);
        var code = await app.RunAsync(args, output, error);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>A new account with <paramref name="ether"/> ETH and its keystore (light scrypt, the harness's password).</summary>
    public async Task<User> NewUserAsync(decimal ether = 100)
    {
        var (key, _) = await Chain.NewAccountAsync(ether);
        var path = Path.Combine(Folder, $"{key.GetPublicAddress()}.json");
        KeyStoreFile.Create(path, key, Password, KeyStoreCost.Light);
        return new User(this, key, path);
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    /// <summary>An account of a test, acting through the command line with its keystore.</summary>
    public sealed record User(CliHarness Harness, EthECKey Key, string Keystore)
    {
        public string Address => Nethereum.Util.AddressUtil.Current.ConvertToChecksumAddress(Key.GetPublicAddress());

        /// <summary>Runs a command with this user's keystore.</summary>
        public Task<CliResult> RunAsync(params string[] args) => Harness.RunAsync([.. args, "--keystore", Keystore]);

        /// <summary>Buys <paramref name="vpn"/> VPN with ETH through the command line.</summary>
        public async Task BuyVpnAsync(string vpn)
        {
            var result = await RunAsync("exchange", "buy", "--vpn", vpn, "--with", "eth");
            Assert.True(result.ExitCode == 0, result.ToString());
        }

        /// <summary>The account's VPN balance in base units.</summary>
        public async Task<BigInteger> VpnAsync()
        {
            var manifest = Oracle.Chain.Deployment.DeploymentManifest.Load(Harness.Manifest);
            return await new Oracle.Chain.Contracts.VpnToken.VpnTokenService(Harness.Chain.ReadOnly, manifest.AddressOf(Oracle.Chain.Deployment.ContractNames.VpnToken))
                .BalanceOfQueryAsync(Address);
        }
    }
}
