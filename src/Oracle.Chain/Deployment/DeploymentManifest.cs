using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Nethereum.Web3;

namespace Oracle.Chain.Deployment;

/// <summary>
/// The contracts of one network: <c>deployments/&lt;network&gt;.json</c>. Services load it to find the contracts;
/// auditors compare its hashes with the artifacts built from source.
/// </summary>
public sealed record DeploymentManifest
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>The network's name (<c>devnet</c> for the local network).</summary>
    [JsonPropertyName("network")] public required string Network { get; init; }

    /// <summary>The chain id every signature of this network binds.</summary>
    [JsonPropertyName("chainId")] public required ulong ChainId { get; init; }

    /// <summary>The account that deployed the contracts.</summary>
    [JsonPropertyName("deployer")] public required string Deployer { get; init; }

    /// <summary>When the deployment finished (UTC).</summary>
    [JsonPropertyName("deployedAt")] public required DateTimeOffset DeployedAt { get; init; }

    /// <summary>The solc version the artifacts were compiled with.</summary>
    [JsonPropertyName("compiler")] public required string Compiler { get; init; }

    /// <summary>
    /// A JSON-RPC endpoint of the chain the network was deployed through (the devnet's node, or the URL given to
    /// <c>oracle network deploy</c>): the command line's default node for this network. Services do not read it (their
    /// node is <c>Chain:RpcUrl</c>); null in manifests written before it was recorded.
    /// </summary>
    [JsonPropertyName("rpcUrl")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RpcUrl { get; init; }

    /// <summary>The deployed contracts, by contract name.</summary>
    [JsonPropertyName("contracts")] public required IReadOnlyDictionary<string, DeployedContract> Contracts { get; init; }

    /// <summary>The address of <paramref name="contractName"/>.</summary>
    /// <exception cref="KeyNotFoundException">The manifest has no such contract.</exception>
    public string AddressOf(string contractName)
        => Contracts.TryGetValue(contractName, out var c)
            ? c.Address
            : throw new KeyNotFoundException($"the {Network} deployment has no {contractName}");

    /// <summary>Reads a manifest.</summary>
    /// <exception cref="InvalidDataException">The file is not a manifest.</exception>
    public static DeploymentManifest Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no deployment manifest at {path}: deploy the contracts first (./oracle devnet up)", path);
        }

        try
        {
            return JsonSerializer.Deserialize<DeploymentManifest>(File.ReadAllText(path), JsonOptions)
                ?? throw new InvalidDataException($"{path} is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a deployment manifest: {e.Message}", e);
        }
    }

    /// <summary>Writes the manifest atomically (a reader never sees half a file).</summary>
    public void Save(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, JsonOptions) + "\n");
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>
    /// Checks the manifest against a node: same chain id, and code at every address.
    /// </summary>
    /// <returns>The problems found; empty when the manifest matches the chain.</returns>
    public async Task<IReadOnlyList<string>> VerifyAsync(IWeb3 web3, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(web3);
        var problems = new List<string>();
        var chainId = (await web3.Eth.ChainId.SendRequestAsync().WaitAsync(cancellationToken)).Value;
        if (chainId != new BigInteger(ChainId))
        {
            problems.Add($"manifest is for chain {ChainId}, node is chain {chainId}");
            return problems;
        }

        foreach (var (name, contract) in Contracts)
        {
            var code = await web3.Eth.GetCode.SendRequestAsync(contract.Address).WaitAsync(cancellationToken);
            if (string.IsNullOrEmpty(code) || code == "0x")
            {
                problems.Add($"no code at {contract.Address} ({name})");
            }
        }

        return problems;
    }
}
