using System.Diagnostics;
using System.Numerics;
using System.Security.Cryptography;
using Npgsql;
using Oracle.Chain;
using Oracle.Chain.Deployment;
using Nethereum.Signer;
using Oracle.Chain.Keys;
using Oracle.Core.Randomness;

namespace Oracle.Devnet.Runtime;

/// <summary>
/// The local network: a Hardhat chain, a PostgreSQL cluster and a RabbitMQ node as throwaway processes in one data
/// folder, the contracts deployed, keystores for every role, and the services started against them (five staked oracle nodes among them).
/// </summary>
public sealed class LocalNetwork : IAsyncDisposable
{
    /// <summary>The database the services share (each service owns a schema in it).</summary>
    public const string DatabaseName = "oracle";

    /// <summary>The roles that get a keystore, and the development key each uses.</summary>
    public static readonly IReadOnlyDictionary<string, int> Roles = new Dictionary<string, int>
    {
        ["deployer"] = 0,
        ["provider"] = 1,
        ["client"] = 2,
        ["collector"] = 3,
        ["relayer"] = 4,
        ["oracle-1"] = 10,
        ["oracle-2"] = 11,
        ["oracle-3"] = 12,
        ["oracle-4"] = 13,
        ["oracle-5"] = 14,
    };

    private const string Marker = ".oracle-devnet";

    /// <summary>The service names of the devnet's oracle nodes (roles oracle-1 … oracle-5).</summary>
    public static readonly IReadOnlyList<string> OracleNames = ["OracleNode-1", "OracleNode-2", "OracleNode-3", "OracleNode-4", "OracleNode-5"];

    /// <summary>The keystore role of the run's VRF proving key (keys/vrf.json).</summary>
    public const string VrfRole = "vrf";

    private readonly LocalNetworkOptions _options;
    private readonly List<LocalService> _services = [];
    private readonly Dictionary<string, string> _keystores = new(StringComparer.Ordinal);
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;
    private string? _passwordFile;
    private string? _repositoryManifest;
    // The run's VRF proving key (LocalVrfCoordinator): fresh each run, so nobody outside this devnet can answer or
    // foresee its draws; its keystore goes to the oracle node, which runs the randomness duty.
    private readonly byte[] _vrfSecret = NewVrfSecret();
    private ExitNetwork? _exit;
    private readonly List<string> _adoptedNamespaces = [];
    private readonly List<string> _adoptedLinks = [];
    private string? _clientConfig;
    private bool _ready;

    private LocalNetwork(LocalNetworkOptions options)
    {
        _options = options;
        Chain = new HardhatNode(Path.Combine(options.DataDirectory, "hardhat"), options.Repository.ContractsDirectory, options.RpcPort, options.ChainId);
        Postgres = new PostgresCluster(Path.Combine(options.DataDirectory, "postgres"), options.PostgresPort);
        Bus = new RabbitMqNode(Path.Combine(options.DataDirectory, "rabbitmq"), options.AmqpPort);
    }

    /// <summary>The chain.</summary>
    public HardhatNode Chain { get; }

    /// <summary>The database cluster.</summary>
    public PostgresCluster Postgres { get; }

    /// <summary>The message broker.</summary>
    public RabbitMqNode Bus { get; }

    /// <summary>The deployed contracts (null when the options said not to deploy).</summary>
    public DeploymentManifest? Manifest { get; private set; }

    /// <summary>Where the manifest was written.</summary>
    public string ManifestPath => Path.Combine(_options.DataDirectory, "deployments", "devnet.json");

    /// <summary>The password file of the devnet's keystores (keys/password).</summary>
    public string PasswordFile => _passwordFile ?? throw new InvalidOperationException("the keystores are not written yet");

    /// <summary>The keystore of a role of <see cref="Roles"/> (or <see cref="VrfRole"/>).</summary>
    public string Keystore(string role) => _keystores[role];

    /// <summary>The services started, by name.</summary>
    public IReadOnlyDictionary<string, ServiceProcess> Services => _services.OfType<ServiceProcess>().ToDictionary(s => s.Name);

    /// <summary>The services' shared database, as a connection string.</summary>
    public string DatabaseConnectionString => new NpgsqlConnectionStringBuilder(Postgres.ConnectionString) { Database = DatabaseName }.ConnectionString;

    /// <summary>
    /// Brings the network up: cleans a stale folder from a crashed run, starts the servers in parallel, waits for them,
    /// deploys the contracts, writes keystores and starts the services. On failure everything started is stopped again.
    /// </summary>
    /// <exception cref="LocalServiceException">A server failed to start (the message has its log's last lines).</exception>
    /// <exception cref="DevnetAlreadyRunningException">A devnet is running in that data folder.</exception>
    public static async Task<LocalNetwork> UpAsync(LocalNetworkOptions options, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        await PrepareDataDirectoryAsync(options.DataDirectory, progress, cancellationToken);
        var network = new LocalNetwork(options);
        try
        {
            await network.StartAsync(progress, cancellationToken);
            return network;
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops a network recorded in <paramref name="dataDirectory"/> (by a detached <c>up</c>) and removes its folder.</summary>
    /// <returns>False when no devnet was found there.</returns>
    public static async Task<bool> DownAsync(string dataDirectory, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var state = DevnetState.Read(dataDirectory);
        if (state is null && !File.Exists(Path.Combine(dataDirectory, Marker)))
        {
            return false;
        }

        if (state is not null)
        {
            await StopRecordedAsync(state, progress, cancellationToken);
            if (state.RepositoryManifest is not null)
            {
                File.Delete(state.RepositoryManifest);
            }
        }

        Directory.Delete(dataDirectory, recursive: true);
        progress?.Report($"removed {dataDirectory}");
        return true;
    }

    /// <summary>
    /// Opens another session of the devnet's client with its provider (a session that ended stays ended: the provider
    /// refuses it) and writes a client configuration for it.
    /// </summary>
    /// <exception cref="LocalServiceException">No devnet runs there, or it runs no provider.</exception>
    public static async Task<(ulong SessionId, string ConfigFile)> OpenClientSessionAsync(string dataDirectory, CancellationToken cancellationToken = default)
    {
        var state = DevnetState.Read(dataDirectory) ?? throw new LocalServiceException($"no devnet in {dataDirectory}: start one with ./oracle devnet up");
        if (state.Exit is null || state.Manifest is null || state.RpcUrl is null || state.PasswordFile is null || !state.Keystores.TryGetValue("client", out var keystore))
        {
            throw new LocalServiceException("this devnet runs no VPN provider (its gateway needs root): start it as root");
        }

        var exit = new ExitNetwork { Id = state.Exit.Id, Subnet = state.Exit.Subnet };
        var client = await ChainConnection.ConnectAsync(state.RpcUrl, DevelopmentKeys.Key(Roles["client"]), cancellationToken);
        return await GatewayProvisioning.OpenClientSessionAsync(RepositoryLayout.Find(), Path.Combine(dataDirectory, "services", "VpnGateway"), exit, state.RpcUrl,
            client, DevelopmentKeys.Key(Roles["provider"]).GetPublicAddress(), DeploymentManifest.Load(state.Manifest), state.Manifest, keystore,
            state.PasswordFile, cancellationToken);
    }

    /// <summary>The state to record in state.json.</summary>
    public DevnetState State => new()
    {
        DataDirectory = _options.DataDirectory,
        StartedAt = _startedAt,
        Ready = _ready,
        RpcUrl = Chain.RpcUrl,
        Postgres = DatabaseConnectionString,
        AmqpUrl = Bus.AmqpUrl,
        Manifest = Manifest is null ? null : ManifestPath,
        RepositoryManifest = _repositoryManifest,
        Keystores = new Dictionary<string, string>(_keystores),
        PasswordFile = _passwordFile,
        Services = _services.OfType<ServiceProcess>().ToDictionary(s => s.Name, s => s.Url),
        Processes = [.. new LocalService[] { Chain, Postgres, Bus }.Concat(_services).SelectMany(s => s.StartedProcesses)],
        Namespaces = [.. _exit?.Namespaces ?? [], .. _adoptedNamespaces],
        Links = [.. _adoptedLinks],
        Exit = _exit is null ? null : new ExitDescription
        {
            Id = _exit.Id,
            Subnet = _exit.Subnet,
            Endpoint = $"{_exit.ProviderAddress}:{GatewayProvisioning.UdpPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            Internet = _exit.InternetPrefix,
            Web = $"http://{_exit.WebAddress}/",
            ClientConfig = _clientConfig,
        },
    };

    /// <summary>Stops every process (services first) and removes the data folder and the repository manifest.</summary>
    public async ValueTask DisposeAsync()
    {
        for (var i = _services.Count - 1; i >= 0; i--)
        {
            await _services[i].StopAsync(CancellationToken.None);
        }

        if (_exit is not null)
        {
            await ExitNetwork.DeleteAsync(_exit.Namespaces, CancellationToken.None);
        }

        await DeleteAdoptedNetworkAsync(_adoptedNamespaces, _adoptedLinks, CancellationToken.None);

        await Task.WhenAll(Chain.StopAsync(CancellationToken.None), Postgres.StopAsync(CancellationToken.None), Bus.StopAsync(CancellationToken.None));
        if (_repositoryManifest is not null && File.Exists(_repositoryManifest))
        {
            File.Delete(_repositoryManifest);
        }

        if (Directory.Exists(_options.DataDirectory))
        {
            Directory.Delete(_options.DataDirectory, recursive: true);
        }
    }

    /// <summary>
    /// Makes <paramref name="service"/> part of the network: recorded in state.json (so <c>down</c> and a later run
    /// after a crash stop it by PID) and stopped with the rest, before the servers. The main job adopts its gateways and
    /// services this way.
    /// </summary>
    public void Adopt(LocalService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_services)
        {
            _services.Add(service);
        }

        SaveState();
    }

    /// <summary>Records network namespaces and host devices made for the network, deleted with it (and by <c>down</c>).</summary>
    public void AdoptNetwork(IEnumerable<string> namespaces, IEnumerable<string> links)
    {
        lock (_services)
        {
            _adoptedNamespaces.AddRange(namespaces);
            _adoptedLinks.AddRange(links);
        }

        SaveState();
    }

    private static async Task DeleteAdoptedNetworkAsync(IReadOnlyList<string> namespaces, IReadOnlyList<string> links, CancellationToken cancellationToken)
    {
        if (namespaces.Count == 0 && links.Count == 0)
        {
            return;
        }

        await ExitNetwork.DeleteAsync(namespaces, cancellationToken);
        var existing = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces().Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var link in links.Where(existing.Contains))
        {
            await ProcessRunner.RunAsync("ip", ["link", "delete", link], cancellationToken);
        }
    }

    private async Task StartAsync(IProgress<string>? progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_options.DataDirectory);
        File.WriteAllText(Path.Combine(_options.DataDirectory, Marker), "created by oracle devnet; removed by `oracle devnet down`\n");
        SaveState();

        // The three servers start in parallel: the slowest (RabbitMQ's Erlang VM) sets the pace.
        async Task Start(LocalService service, string endpoint)
        {
            var watch = Stopwatch.StartNew();
            progress?.Report($"starting {service.Name}");
            await service.StartAsync(cancellationToken);
            SaveState();
            progress?.Report($"{service.Name} ready at {endpoint} ({watch.Elapsed.TotalSeconds:0.0} s)");
        }

        await Task.WhenAll(
            Start(Chain, Chain.RpcUrl),
            Start(Postgres, $"127.0.0.1:{Postgres.Port}"),
            Start(Bus, $"127.0.0.1:{Bus.AmqpPort}"));

        await CreateDatabaseAsync(cancellationToken);
        if (_options.DeployContracts)
        {
            var web3 = await ChainConnection.ConnectAsync(Chain.RpcUrl, DevelopmentKeys.Key(Roles["deployer"]), cancellationToken);
            var parameters = (_options.Parameters ?? NetworkParameters.Devnet) with { LocalVrfPublicKey = VrfKey.FromSecret(_vrfSecret).PublicKey };
            // The manifest names the node, so `oracle` commands find the devnet's chain without --rpc-url.
            Manifest = await OracleNetworkDeployer.DeployAsync(web3, "devnet", parameters, progress, cancellationToken) with { RpcUrl = Chain.RpcUrl };
            Manifest.Save(ManifestPath);
            if (_options.WriteRepositoryManifest)
            {
                _repositoryManifest = Path.Combine(_options.Repository.DeploymentsDirectory, "devnet.json");
                Manifest.Save(_repositoryManifest);
            }

            progress?.Report($"{Manifest.Contracts.Count} contracts deployed and wired; manifest {_repositoryManifest ?? ManifestPath}");
        }

        WriteKeystores();
        SaveState();
        if (_options.StartServices)
        {
            await StartServicesAsync(progress, cancellationToken);
        }

        _ready = true;
        SaveState();
    }

    private async Task CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(Postgres.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE {DatabaseName}", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private void WriteKeystores()
    {
        var keys = Path.Combine(_options.DataDirectory, "keys");
        Directory.CreateDirectory(keys);
        _passwordFile = Path.Combine(keys, "password");
        File.WriteAllText(_passwordFile, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + "\n");
        File.SetUnixFileMode(_passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var password = File.ReadAllText(_passwordFile).Trim();
        // Light scrypt: these are public development keys in a throwaway folder, and starting must stay fast.
        Parallel.ForEach(Roles, role =>
        {
            var path = Path.Combine(keys, role.Key + ".json");
            KeyStoreFile.Create(path, DevelopmentKeys.Key(role.Value), password, KeyStoreCost.Light);
            lock (_keystores)
            {
                _keystores[role.Key] = path;
            }
        });
        var vrf = Path.Combine(keys, VrfRole + ".json");
        KeyStoreFile.Create(vrf, new EthECKey(_vrfSecret, isPrivate: true), password, KeyStoreCost.Light);
        _keystores[VrfRole] = vrf;
    }

    private async Task StartServicesAsync(IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var common = new Dictionary<string, string>
        {
            ["Chain__RpcUrl"] = Chain.RpcUrl,
            ["Chain__PasswordFile"] = _passwordFile!,
            ["Database__ConnectionString"] = DatabaseConnectionString,
            ["Bus__Url"] = Bus.AmqpUrl,
        };
        if (Manifest is not null)
        {
            common["Chain__Manifest"] = ManifestPath;
        }

        var plan = new List<(string Name, string Project, string Role)>
        {
            ("EvidenceCollector", "EvidenceCollector", "collector"),
            ("Arbitration.Api", "Arbitration.Api", "relayer"),
        };
        if (Manifest is not null)
        {
            // The collector's bond, so that it registers and anchors its log from the start.
            var collector = await ChainConnection.ConnectAsync(Chain.RpcUrl, DevelopmentKeys.Key(Roles["collector"]), cancellationToken);
            await GatewayProvisioning.FundCollectorBondAsync(collector, Manifest, cancellationToken);

            // Five staked oracle nodes: they answer the VRF coordinator, draw, vote, execute and claim by themselves.
            // One after the other: a stake's gas estimate goes stale when another stake grows the registry's weight tree.
            for (var i = 0; i < OracleNames.Count; i++)
            {
                await OracleStaking.StakeAsync(Chain.RpcUrl, Manifest, Roles[$"oracle-{i + 1}"], cancellationToken);
            }

            progress?.Report($"{OracleNames.Count} oracles staked {OracleStaking.Stake / BigInteger.Pow(10, 18)} VPN each");
            plan.AddRange(OracleNames.Select((name, i) => (name, "OracleNode", $"oracle-{i + 1}")));
        }

        var started = new List<Task>();
        foreach (var (name, project, role) in plan)
        {
            var assembly = _options.Repository.ServiceAssembly(project, project == "OracleNode" ? "oracle-node" : project)
                ?? throw new LocalServiceException($"{project} is not built: run `dotnet build Oracle.sln` (./oracle does it for you)");
            var environment = new Dictionary<string, string>(common) { ["Chain__Keystore"] = _keystores[role] };
            var folder = Path.Combine(_options.DataDirectory, "services", name);
            string[] arguments = [];
            if (project == "OracleNode")
            {
                // Each node runs from a configuration file in its folder, as an operator's does (so `oracle-node status
                // --config <folder>/node.json` reads it): its own store (its votes' salts), the devnet's collector, and
                // the run's VRF key (the randomness duty, docs/protocol.md §7.4).
                Directory.CreateDirectory(folder);
                var config = new System.Text.Json.Nodes.JsonObject
                {
                    ["Chain"] = new System.Text.Json.Nodes.JsonObject
                    {
                        ["RpcUrl"] = Chain.RpcUrl,
                        ["Manifest"] = ManifestPath,
                        ["Keystore"] = _keystores[role],
                        ["PasswordFile"] = _passwordFile,
                    },
                    ["Store"] = new System.Text.Json.Nodes.JsonObject { ["SqlitePath"] = Path.Combine(folder, "node.db") },
                    ["Evidence"] = new System.Text.Json.Nodes.JsonObject { ["Collectors"] = new System.Text.Json.Nodes.JsonArray(Services["EvidenceCollector"].Url) },
                    ["Randomness"] = new System.Text.Json.Nodes.JsonObject { ["VrfKeystore"] = _keystores[VrfRole] },
                };
                var path = Path.Combine(folder, "node.json");
                File.WriteAllText(path, config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
                environment = [];
                arguments = ["run", "--config", path];
            }

            var service = new ServiceProcess(name, assembly, folder, environment, arguments);
            _services.Add(service);
            started.Add(StartServiceAsync(service, progress, cancellationToken));
        }

        if (_options.StartGateway)
        {
            started.Add(StartGatewayAsync(progress, cancellationToken));
        }

        await Task.WhenAll(started);
    }

    // The provider's gateway: registered on-chain, serving sessions from the chain directory, with its exit on in a
    // network namespace of its own (ExitNetwork). It needs root (namespaces, TUN devices).
    private async Task StartGatewayAsync(IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (Manifest is null)
        {
            return;
        }

        if (Native.GetEffectiveUserId() != 0)
        {
            progress?.Report("VpnGateway not started: it needs root for its namespace and TUN devices (run as root to include it)");
            return;
        }

        var cli = _options.Repository.ServiceAssembly("Oracle.Devnet", "oracle-devnet")
            ?? throw new LocalServiceException("oracle-devnet is not built: run `dotnet build Oracle.sln`");
        var id = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(_options.DataDirectory)))[..8];
        var exit = await ExitNetwork.CreateAsync(id, cancellationToken);
        _exit = exit;
        SaveState();

        // The provider's namespace reaches the chain and the broker through relays on the root end of its veth.
        var rpcPort = new Uri(Chain.RpcUrl).Port;
        var helper = new NetworkHelperProcess(Path.Combine(_options.DataDirectory, "services", "network-helper"), cli, exit,
            [(rpcPort, rpcPort), (Bus.AmqpPort, Bus.AmqpPort)], GatewayProvisioning.WebPort);
        lock (_services)
        {
            _services.Add(helper);
        }

        await helper.StartAsync(cancellationToken);
        SaveState();
        var rpcUrl = new UriBuilder(Chain.RpcUrl) { Host = exit.RootAddress }.Uri.ToString().TrimEnd('/');
        var busUrl = new UriBuilder(Bus.AmqpUrl) { Host = exit.RootAddress }.Uri.ToString();

        var folder = Path.Combine(_options.DataDirectory, "services", "VpnGateway");
        var provider = await ChainConnection.ConnectAsync(Chain.RpcUrl, DevelopmentKeys.Key(Roles["provider"]), cancellationToken);
        var config = await GatewayProvisioning.ProvisionAsync(_options.Repository, folder, exit, rpcUrl, busUrl, provider, Manifest,
            ManifestPath, _keystores["provider"], _passwordFile!, progress, cancellationToken);
        var assembly = _options.Repository.ServiceAssembly("VpnGateway", "vpngateway")!;
        var gateway = new ServiceProcess("VpnGateway", assembly, folder, new Dictionary<string, string>(), ["serve", "--config", config], GatewayProvisioning.MetricsPort,
            exit.ProviderNamespace, exit.ProviderAddress);
        lock (_services)
        {
            _services.Add(gateway);
        }

        await StartServiceAsync(gateway, progress, cancellationToken);

        // A session for the devnet's client, ready to use: `vpngateway connect --config <client config>`.
        var client = await ChainConnection.ConnectAsync(Chain.RpcUrl, DevelopmentKeys.Key(Roles["client"]), cancellationToken);
        var (session, clientConfig) = await GatewayProvisioning.OpenClientSessionAsync(_options.Repository, folder, exit, Chain.RpcUrl, client,
            provider.TransactionManager.Account.Address, Manifest, ManifestPath, _keystores["client"], _passwordFile!, cancellationToken);
        _clientConfig = clientConfig;
        SaveState();
        progress?.Report($"session {session} opened for the devnet client; try the exit: vpngateway connect --config {clientConfig}, then curl http://{exit.WebAddress}/");
    }

    /// <summary>
    /// Starts one of the built services (<paramref name="project"/>) against the network with the key of
    /// <paramref name="role"/> and further settings as environment variables, as part of the network (stopped with it,
    /// recorded for <c>down</c>). The main job starts the collector and the API this way.
    /// </summary>
    public async Task<ServiceProcess> StartServiceAsync(string project, string role, IReadOnlyDictionary<string, string> settings, IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var assembly = _options.Repository.ServiceAssembly(project, AssemblyNameOf(project))
            ?? throw new LocalServiceException($"{project} is not built: run `dotnet build Oracle.sln` (./oracle does it for you)");
        var environment = new Dictionary<string, string>
        {
            ["Chain__RpcUrl"] = Chain.RpcUrl,
            ["Chain__PasswordFile"] = PasswordFile,
            ["Chain__Manifest"] = ManifestPath,
            ["Chain__Keystore"] = _keystores[role],
            ["Database__ConnectionString"] = DatabaseConnectionString,
            ["Bus__Url"] = Bus.AmqpUrl,
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        var service = new ServiceProcess(project, assembly, Path.Combine(_options.DataDirectory, "services", project), environment);
        lock (_services)
        {
            _services.Add(service);
        }

        await StartServiceAsync(service, progress, cancellationToken);
        return service;
    }

    /// <summary>The entry assembly's name of a service project (OracleNode's is oracle-node).</summary>
    public static string AssemblyNameOf(string project) => project == "OracleNode" ? "oracle-node" : project;

    private async Task StartServiceAsync(ServiceProcess service, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await service.StartAsync(cancellationToken);
        SaveState();
        progress?.Report($"{service.Name} ready at {service.Url} ({watch.Elapsed.TotalSeconds:0.0} s)");
    }

    /// A random 32-byte secret that is also a valid secp256k1 key (the keystore format's), as a BN254 scalar.
    private static byte[] NewVrfSecret()
    {
        var order = System.Numerics.BigInteger.Parse("115792089237316195423570985008687907852837564279074904382605163141518161494337", System.Globalization.CultureInfo.InvariantCulture);
        while (true)
        {
            var secret = RandomNumberGenerator.GetBytes(32);
            var value = new System.Numerics.BigInteger(secret, isUnsigned: true, isBigEndian: true);
            if (!value.IsZero && value < order && !(value % Bn254.R).IsZero)
            {
                return secret;
            }
        }
    }

    private void SaveState()
    {
        lock (_services)
        {
            State.Write();
        }
    }

    private static async Task PrepareDataDirectoryAsync(string dataDirectory, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(dataDirectory))
        {
            return;
        }

        var state = DevnetState.Read(dataDirectory);
        if (state is not null && state.Processes.Any(p => p.Process.IsAlive()))
        {
            throw new DevnetAlreadyRunningException(dataDirectory);
        }

        if (state is null && !File.Exists(Path.Combine(dataDirectory, Marker)) && Directory.EnumerateFileSystemEntries(dataDirectory).Any())
        {
            throw new LocalServiceException($"{dataDirectory} exists and is not a devnet folder; choose another --data-dir");
        }

        // A crashed run left its folder (and maybe processes that died with it): clean it and start afresh.
        progress?.Report($"cleaning up the stale data folder of a crashed run: {dataDirectory}");
        if (state is not null)
        {
            await StopRecordedAsync(state, null, cancellationToken);
            if (state.RepositoryManifest is not null)
            {
                File.Delete(state.RepositoryManifest);
            }
        }

        Directory.Delete(dataDirectory, recursive: true);
    }

    private static async Task StopRecordedAsync(DevnetState state, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        // Reverse start order: services, then servers, helpers (epmd) last.
        foreach (var recorded in state.Processes.Reverse())
        {
            var process = ManagedProcess.Attach(recorded.Process, recorded.Log);
            if (!process.IsAlive)
            {
                continue;
            }

            var killed = await process.StopAsync(recorded.StopSignal, TimeSpan.FromSeconds(15), cancellationToken);
            progress?.Report($"stopped {recorded.Process.Name} (pid {recorded.Process.Pid}){(killed ? " by SIGKILL" : "")}");
        }

        if (state.Namespaces.Count > 0 || state.Links.Count > 0)
        {
            await DeleteAdoptedNetworkAsync(state.Namespaces, state.Links, cancellationToken);
            progress?.Report($"removed the network namespaces {string.Join(", ", state.Namespaces)}");
        }
    }
}
