using System.Numerics;
using Oracle.Chain;
using Oracle.Chain.Contracts.OracleRegistry;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Deployment;
using Oracle.Chain.Keys;

namespace Oracle.Devnet.Runtime;

/// <summary>
/// Makes the devnet's oracle accounts staked oracles before their nodes start: each buys VPN at the exchange with its
/// development ETH and stakes it in the OracleRegistry, as an operator does with <c>oracle-node stake</c>.
/// </summary>
internal static class OracleStaking
{
    /// <summary>The stake of each devnet oracle: 5,000 VPN (the devnet's minimum is 1,000).</summary>
    public static readonly BigInteger Stake = 5_000 * BigInteger.Pow(10, 18);

    /// <summary>Stakes <see cref="Stake"/> for the development key <paramref name="keyIndex"/> (nothing when it has stake already).</summary>
    public static async Task StakeAsync(string rpcUrl, DeploymentManifest manifest, int keyIndex, CancellationToken cancellationToken)
    {
        var web3 = await ChainConnection.ConnectAsync(rpcUrl, DevelopmentKeys.Key(keyIndex), cancellationToken);
        var address = web3.TransactionManager.Account.Address;
        var registry = new OracleRegistryService(web3, manifest.AddressOf(ContractNames.OracleRegistry));
        if ((await registry.OracleInfoQueryAsync(address, null, cancellationToken)).Info.Stake > 0)
        {
            return;
        }

        await GatewayProvisioning.BuyAsync(web3, manifest, Stake, cancellationToken);
        await new VpnTokenService(web3, manifest.AddressOf(ContractNames.VpnToken)).ApproveAsync(manifest.AddressOf(ContractNames.OracleRegistry), Stake, cancellationToken);
        await registry.StakeAsync(Stake, cancellationToken);
    }
}
