using System.Net.Http.Json;
using System.Text.Json;

namespace Oracle.Devnet.Runtime;

/// <summary>
/// A Hardhat node (the version pinned in contracts/package.json) on 127.0.0.1: chain id 31337 (or another local id),
/// instant mining, the 64 development accounts of contracts/hardhat.config.cjs funded.
/// </summary>
public sealed class HardhatNode : LocalService
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>Describes a node; <see cref="LocalService.StartAsync"/> starts it.</summary>
    /// <param name="dataDirectory">Its folder (log, Hardhat cache).</param>
    /// <param name="contractsDirectory">contracts/ of the repository, with node_modules installed.</param>
    /// <param name="port">The JSON-RPC port (0: any free port, 8545 preferred).</param>
    /// <param name="chainId">The chain id: 31337, or 1337 (a local chain id the development keys are allowed on too).</param>
    public HardhatNode(string dataDirectory, string contractsDirectory, int port = 0, ulong chainId = 31337) : base("hardhat", dataDirectory)
    {
        if (!Oracle.Chain.Keys.DevelopmentKeys.IsLocal(chainId))
        {
            throw new ArgumentOutOfRangeException(nameof(chainId), chainId, $"a local chain id ({string.Join(" or ", Oracle.Chain.Keys.DevelopmentKeys.LocalChainIds)})");
        }

        ContractsDirectory = contractsDirectory;
        Port = port == 0 ? PortAllocator.Allocate(8545) : port;
        ChainId = chainId;
    }

    /// <summary>The chain id.</summary>
    public ulong ChainId { get; }

    /// <summary>contracts/ of the repository.</summary>
    public string ContractsDirectory { get; }

    /// <summary>The JSON-RPC port.</summary>
    public int Port { get; }

    /// <summary>The JSON-RPC endpoint.</summary>
    public string RpcUrl => $"http://127.0.0.1:{Port}";

    /// <inheritdoc />
    public override async Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default)
    {
        using var response = await Http.PostAsJsonAsync(RpcUrl, new { jsonrpc = "2.0", id = 1, method = "eth_chainId", @params = Array.Empty<object>() }, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return false;
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return body.RootElement.TryGetProperty("result", out var result) && result.GetString() == $"0x{ChainId:x}";
    }

    /// <inheritdoc />
    protected override Task StartProcessesAsync(CancellationToken cancellationToken)
    {
        var cli = Path.Combine(ContractsDirectory, "node_modules", "hardhat", "internal", "cli", "bootstrap.js");
        if (!File.Exists(cli))
        {
            throw new LocalServiceException($"Hardhat is not installed in {ContractsDirectory}: run `npm ci` there (the README commands do)");
        }

        Launch("hardhat", "node", [cli, "node", "--hostname", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            workingDirectory: ContractsDirectory,
            environment: new Dictionary<string, string>
            {
                ["HARDHAT_DISABLE_TELEMETRY_PROMPT"] = "true",
                ["ORACLE_CHAIN_ID"] = ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["DO_NOT_TRACK"] = "1",
            });
        return Task.CompletedTask;
    }
}
