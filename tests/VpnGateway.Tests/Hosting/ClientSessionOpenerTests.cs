using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using Oracle.Chain;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Contracts.TokenExchange;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Deployment;
using Oracle.Chain.Keys;
using Oracle.Testing;
using VpnGateway.Hosting;
using VpnGateway.Tests.Integration;

namespace VpnGateway.Tests.Hosting;

/// <summary><c>vpngateway connect</c> with <c>Connect:Deposit</c> opens its own session on-chain before connecting.</summary>
public sealed class ClientSessionOpenerTests : IDisposable
{
    private static readonly BigInteger Token = BigInteger.Pow(10, 18);
    private readonly string _folder = Directory.CreateTempSubdirectory("gwopen-").FullName;

    [Fact]
    public async Task Connect_DepositAndProvider_SessionOpenedOnChainWithThoseTermsBeforeTheHandshake()
    {
        var network = await DeployedNetwork.GetAsync();
        var chain = await ChainFixture.ForAsync(network.RpcUrl);
        var provider = await RegisterProviderAsync(chain, network.Manifest);
        var (clientKey, clientWeb3) = await chain.NewAccountAsync(10);
        await new TokenExchangeService(clientWeb3, network.Manifest.AddressOf(ContractNames.TokenExchange)).BuyWithEthAsync(20 * Token, Nethereum.Web3.Web3.Convert.ToWei(1));
        var config = await ClientConfigAsync(network, clientKey, provider, "\"Deposit\": \"7.5\", \"Penalty\": \"2\", \"CommitteeSize\": 5,");

        // Nobody answers at the provider's endpoint: the session is opened, then the handshake gives up (exit 1).
        var result = await Oracle.Testing.Commands.RunAsync(TimeSpan.FromSeconds(120), ["dotnet", GatewayNetwork.GatewayDll, "connect", "--config", config]);

        Assert.True(result.ExitCode == 1, result.ToString());
        var logged = System.Text.RegularExpressions.Regex.Match(result.StandardOutput + result.StandardError, @"opened session (\d+) with provider");
        Assert.True(logged.Success, result.ToString());
        var found = await new Oracle.Chain.Sessions.SessionReader(chain.ReadOnly, network.Manifest.AddressOf(ContractNames.SessionManager))
            .FindAsync(ulong.Parse(logged.Groups[1].Value, CultureInfo.InvariantCulture));
        var session = found!.Value.Record.Terms;
        Assert.Equal(clientKey.GetPublicAddress(), session.Client, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(provider, session.Provider, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(75 * Token / 10, session.Deposit);
        Assert.Equal(2 * Token, session.Penalty);
        Assert.Equal(5, session.CommitteeSize);
    }

    [Fact]
    public async Task Connect_DepositAndSessionId_RefusedInOneLine()
    {
        var network = await DeployedNetwork.GetAsync();
        var config = await ClientConfigAsync(network, Nethereum.Signer.EthECKey.GenerateKey(), "0x00000000000000000000000000000000000000aa", "\"Deposit\": \"1\", \"SessionId\": 4,");

        var result = await Oracle.Testing.Commands.RunAsync(TimeSpan.FromSeconds(60), ["dotnet", GatewayNetwork.GatewayDll, "connect", "--config", config]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Connect:SessionId and Connect:Deposit: give one", result.StandardError, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<string> ClientConfigAsync(DeployedNetwork network, Nethereum.Signer.EthECKey key, string provider, string extra)
    {
        var password = Path.Combine(_folder, "password");
        await File.WriteAllTextAsync(password, "client-test-only\n");
        var keystore = Path.Combine(_folder, $"client-{Guid.NewGuid():N}.json");
        KeyStoreFile.Create(keystore, key, "client-test-only", KeyStoreCost.Light);
        var tunnel = Path.Combine(_folder, $"tunnel-{Guid.NewGuid():N}.key");
        TunnelKeyFile.Create(tunnel, password, light: true).Dispose();
        var config = Path.Combine(_folder, $"client-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(config, $$"""
            { "Keys": { "TunnelKeystore": "{{tunnel}}", "PasswordFile": "{{password}}" }, "Metrics": { "Listen": "" },
              "Chain": { "RpcUrl": "{{network.RpcUrl}}", "Manifest": "{{network.ManifestPath}}", "Keystore": "{{keystore}}", "PasswordFile": "{{password}}" },
              "Tunnel": { "RekeyTimeoutSeconds": 1 },
              "Connect": { {{extra}} "Provider": "{{provider}}", "ConnectAttempts": 2, "Routes": ["198.18.250.0/24"] } }
            """);
        return config;
    }

    // A provider whose endpoint is a loopback port nobody answers on.
    private static async Task<string> RegisterProviderAsync(ChainFixture chain, DeploymentManifest manifest)
    {
        var (key, web3) = await chain.NewAccountAsync(10);
        await new TokenExchangeService(web3, manifest.AddressOf(ContractNames.TokenExchange)).BuyWithEthAsync(500 * Token, Nethereum.Web3.Web3.Convert.ToWei(1));
        await new VpnTokenService(web3, manifest.AddressOf(ContractNames.VpnToken)).ApproveAsync(manifest.AddressOf(ContractNames.ProviderRegistry), 500 * Token);
        using var unused = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)unused.Client.LocalEndPoint!).Port;
        await new ProviderRegistryService(web3, manifest.AddressOf(ContractNames.ProviderRegistry)).RegisterAsync(new ProviderInfo
        {
            Endpoint = $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            TunnelPublicKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32),
            Region = [(byte)'D', (byte)'E', 0, 0, 0, 0, 0, 0],
            PricePerMiB = Token / 1000,
            PolicyHash = Oracle.Core.Policy.PolicyDocument.DefaultExit.Hash.ToArray(),
            PolicyUri = "https://example.org/exit.json",
        }, 500 * Token);
        return key.GetPublicAddress();
    }
}
