using System.Numerics;
using System.Security.Cryptography;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.JsonRpc.Client;
using Nethereum.Signer;
using Nethereum.Web3;
using Oracle.Chain;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Contracts.TokenExchange;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Deployment;

namespace Arbitration.Bench;

/// <summary>The bench's accounts on its own chain: a provider and clients with open sessions, ready to file.</summary>
internal sealed class BenchChain(string rpcUrl, DeploymentManifest manifest)
{
    public static readonly BigInteger Token = BigInteger.Pow(10, 18);

    public async Task<(EthECKey Key, IWeb3 Web3)> NewAccountAsync(decimal ether = 1000)
    {
        var key = EthECKey.GenerateKey();
        var web3 = ChainConnection.ReadOnly(rpcUrl);
        await web3.Client.SendRequestAsync<bool>(new RpcRequest(Guid.NewGuid().ToString("N"), "hardhat_setBalance", key.GetPublicAddress(), new HexBigInteger(Nethereum.Web3.Web3.Convert.ToWei(ether)).HexValue));
        return (key, await ChainConnection.ConnectAsync(rpcUrl, key));
    }

    public async Task BuyAsync(IWeb3 web3, BigInteger amount)
    {
        var exchange = new TokenExchangeService(web3, manifest.AddressOf(ContractNames.TokenExchange));
        var price = (await new Oracle.Chain.Contracts.PriceFeed.PriceFeedService(web3, manifest.AddressOf(ContractNames.PriceFeedVpnEth)).LatestRoundDataQueryAsync()).Answer;
        await exchange.BuyWithEthAsync(amount, amount * price / Token * 10_000 / 9_970 + 1_000_000);
    }

    public async Task<EthECKey> NewProviderAsync()
    {
        var (key, web3) = await NewAccountAsync();
        await BuyAsync(web3, 1000 * Token);
        await new VpnTokenService(web3, manifest.AddressOf(ContractNames.VpnToken)).ApproveAsync(manifest.AddressOf(ContractNames.ProviderRegistry), 1000 * Token);
        await new ProviderRegistryService(web3, manifest.AddressOf(ContractNames.ProviderRegistry)).RegisterAsync(new ProviderInfo
        {
            Endpoint = "198.18.0.1:51820",
            TunnelPublicKey = SHA256.HashData("bench tunnel"u8),
            Region = [(byte)'D', (byte)'E', 0, 0, 0, 0, 0, 0],
            PricePerMiB = 1_000_000_000_000,
            PolicyHash = SHA256.HashData("policy-v1"u8),
            PolicyUri = "https://policies.example/policy-v1.json",
        }, 1000 * Token);
        return key;
    }

    /// <summary>A client holding VPN for its deposit and a filing, with a session open with <paramref name="provider"/>.</summary>
    public async Task<(EthECKey Client, ulong SessionId)> NewSessionAsync(string provider)
    {
        var (key, web3) = await NewAccountAsync();
        await BuyAsync(web3, 300 * Token);
        await new VpnTokenService(web3, manifest.AddressOf(ContractNames.VpnToken)).ApproveAsync(manifest.AddressOf(ContractNames.SessionManager), 100 * Token);
        var receipt = await new SessionManagerService(web3, manifest.AddressOf(ContractNames.SessionManager)).OpenSessionAsync(new OpenParams
        {
            Provider = provider,
            Deposit = 100 * Token,
            PricePerMiB = 1_000_000_000_000,
            PolicyHash = SHA256.HashData("policy-v1"u8),
            Penalty = 5 * Token, // every session reserves its penalty from the bond: 100 sessions × 5 VPN within the 1,000 VPN bond
            CommitteeSize = 3,
            Panel = [],
        });
        return (key, receipt.DecodeAllEvents<SessionOpenedEvent>().Single().Event.SessionId);
    }
}
