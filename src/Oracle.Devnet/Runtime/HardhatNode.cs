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

    /// <summary>The JSON-RPC port (another free one when the chosen port was taken before the node started).</summary>
    public int Port { get; private set; }

    /// <summary>The JSON-RPC endpoint.</summary>
    public string RpcUrl => $"http://127.0.0.1:{Port}";

    /// <inheritdoc />
    public override async Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default)
    {
        // Our own node must have said it listens: another node that took the port first (another checkout's devnet, a
        // parallel test) answers eth_chainId just the same.
        if (!File.Exists(LogPath) || !(await File.ReadAllTextAsync(LogPath, cancellationToken)).Contains($"JSON-RPC server at http://127.0.0.1:{Port}/", StringComparison.Ordinal))
        {
            return false;
        }

        using var response = await Http.PostAsJsonAsync(RpcUrl, new { jsonrpc = "2.0", id = 1, method = "eth_chainId", @params = Array.Empty<object>() }, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return false;
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return body.RootElement.TryGetProperty("result", out var result) && result.GetString() == $"0x{ChainId:x}";
    }

    /// <inheritdoc />
    protected override async Task StartProcessesAsync(CancellationToken cancellationToken)
    {
        var cli = Path.Combine(ContractsDirectory, "node_modules", "hardhat", "internal", "cli", "bootstrap.js");
        if (!File.Exists(cli))
        {
            throw new LocalServiceException($"Hardhat is not installed in {ContractsDirectory}: run `npm ci` there (the README commands do)");
        }

        // Another process (a parallel test's node, another checkout's devnet) may take the port between choosing it and
        // the node's listen: then the node exits with EADDRINUSE and starts again on a free port.
        for (var attempt = 1; ; attempt++)
        {
            if (!PortAllocator.IsFree(Port))
            {
                Port = PortAllocator.Allocate();
            }

            if (File.Exists(LogPath))
            {
                File.Delete(LogPath);
            }

            var process = Launch("hardhat", "node", [cli, "node", "--hostname", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
                workingDirectory: ContractsDirectory,
                environment: new Dictionary<string, string>
                {
                    ["HARDHAT_DISABLE_TELEMETRY_PROMPT"] = "true",
                    ["ORACLE_CHAIN_ID"] = ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["DO_NOT_TRACK"] = "1",
                });
            var deadline = DateTime.UtcNow + StartTimeout;
            while (process.IsAlive && DateTime.UtcNow < deadline && !Log().Contains("JSON-RPC server at", StringComparison.Ordinal))
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }

            if (process.IsAlive || attempt == 5 || !Log().Contains("EADDRINUSE", StringComparison.Ordinal))
            {
                // Listening, or failed for another reason: the health wait reports it.
                return;
            }

            Forget(process);
            Port = PortAllocator.Allocate();
        }

        string Log() => File.Exists(LogPath) ? File.ReadAllText(LogPath) : string.Empty;
    }
}
