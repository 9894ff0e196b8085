namespace Oracle.Devnet.Runtime;

/// <summary>What <see cref="LocalNetwork.UpAsync"/> starts and where.</summary>
public sealed record LocalNetworkOptions
{
    /// <summary>The data folder the network owns: created, and removed on <c>down</c>.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The repository (contracts/, built services).</summary>
    public required RepositoryLayout Repository { get; init; }

    /// <summary>Deploy the contracts (off: a bare chain, for tests that deploy their own).</summary>
    public bool DeployContracts { get; init; } = true;

    /// <summary>Start the services (collector, API, five oracle nodes, and the gateway as root) against the network.</summary>
    public bool StartServices { get; init; } = true;

    /// <summary>Start the provider's gateway with the services when running as root (off: tests about the other services).</summary>
    public bool StartGateway { get; init; } = true;

    /// <summary>Also write the manifest to the repository's deployments/devnet.json (the CLI does; tests do not).</summary>
    public bool WriteRepositoryManifest { get; init; }

    /// <summary>The network's parameters (null: <see cref="Oracle.Chain.Deployment.NetworkParameters.Devnet"/>); the main job shortens the dispute phases.</summary>
    public Oracle.Chain.Deployment.NetworkParameters? Parameters { get; init; }

    /// <summary>The chain id of the local chain: 31337 (Hardhat's) or 1337.</summary>
    public ulong ChainId { get; init; } = 31337;

    /// <summary>Preferred ports; 0 picks a free one (8545 / 55432 / 55672 preferred when free).</summary>
    public int RpcPort { get; init; }

    /// <summary>Preferred PostgreSQL port (0: 55432 if free, else any).</summary>
    public int PostgresPort { get; init; }

    /// <summary>Preferred AMQP port (0: 55672 if free, else any).</summary>
    public int AmqpPort { get; init; }

    /// <summary>The default data folder for a checkout: one per repository path, under the temp folder.</summary>
    /// <remarks>Not inside the checkout: the PostgreSQL server runs as the postgres user, who must reach the folder.</remarks>
    public static string DefaultDataDirectory(RepositoryLayout repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(repository.Root)))[..10];
        return Path.Combine(Path.GetTempPath(), "oracle-devnet-" + hash);
    }
}
