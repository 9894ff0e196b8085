using System.Numerics;
using Nethereum.Signer;
using Nethereum.Web3;
using Oracle.Chain.Contracts.OracleRegistry;
using Oracle.Chain.Contracts.PriceFeed;
using Oracle.Chain.Contracts.TokenExchange;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Deployment;

namespace Oracle.Cli.Tests.Support;

/// <summary>Staked oracles of a test network, acting through the bindings (the arrangement, not what is tested).</summary>
public static class Oracles
{
    private static readonly BigInteger Token = BigInteger.Pow(10, 18);

    /// <summary><paramref name="count"/> new accounts that buy the minimum stake and stake it.</summary>
    public static async Task<IReadOnlyList<(EthECKey Key, IWeb3 Web3)>> StakeAsync(CliHarness cli, int count)
    {
        var manifest = DeploymentManifest.Load(cli.Manifest);
        var oracles = new List<(EthECKey, IWeb3)>();
        for (var i = 0; i < count; i++)
        {
            var (key, web3) = await cli.Chain.NewAccountAsync(100);
            var registry = new OracleRegistryService(web3, manifest.AddressOf(ContractNames.OracleRegistry));
            var stake = await registry.MinStakeQueryAsync();
            var exchange = new TokenExchangeService(web3, manifest.AddressOf(ContractNames.TokenExchange));
            await exchange.BuyWithEthAsync(stake, Nethereum.Web3.Web3.Convert.ToWei(1));
            await new VpnTokenService(web3, manifest.AddressOf(ContractNames.VpnToken)).ApproveAsync(registry.Address, stake);
            await registry.StakeAsync(stake);
            oracles.Add((key, web3));
        }

        return oracles;
    }

    /// <summary>Every oracle reports <paramref name="answer"/> in the VPN / ETH feed's open round (the last report finalizes it).</summary>
    public static async Task ReportVpnPriceAsync(CliHarness cli, IEnumerable<(EthECKey Key, IWeb3 Web3)> oracles, BigInteger answer)
    {
        var manifest = DeploymentManifest.Load(cli.Manifest);
        foreach (var (_, web3) in oracles)
        {
            var feed = new PriceFeedService(web3, manifest.AddressOf(ContractNames.PriceFeedVpnEth));
            await feed.ReportAsync(await feed.LatestRoundQueryAsync() + 1, answer);
        }
    }

    /// <summary>The devnet's genesis VPN price, wei per VPN.</summary>
    public static BigInteger GenesisVpnPrice => NetworkParameters.Devnet.GenesisVpnEthPrice;

    /// <summary>Whole tokens in base units.</summary>
    public static BigInteger Tokens(int whole) => whole * Token;
}
