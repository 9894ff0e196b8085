using System.Numerics;
using Oracle.Chain;
using Oracle.Chain.Contracts.DevWrappedBtc;
using Oracle.Chain.Deployment;
using Oracle.Chain.Keys;

namespace Oracle.Devnet.Runtime;

/// <summary>
/// The devnet's faucet: ETH from the deployer's development account and freshly minted DevWrappedBtc, so a key made
/// with <c>oracle keys create</c> can pay gas and buy VPN on the local chain (docs/quickstart.md). Local chains only.
/// </summary>
public static class DevnetFaucet
{
    /// <summary>Sends <paramref name="ethWei"/> and mints <paramref name="wbtcSatoshi"/> to <paramref name="address"/>.</summary>
    /// <exception cref="LocalServiceException">No devnet in <paramref name="dataDirectory"/>, or its chain is not local.</exception>
    public static async Task FundAsync(string dataDirectory, string address, BigInteger ethWei, BigInteger wbtcSatoshi, CancellationToken cancellationToken = default)
    {
        var state = DevnetState.Read(dataDirectory) ?? throw new LocalServiceException($"no devnet in {dataDirectory}: start one with ./oracle devnet up");
        if (state.RpcUrl is null || state.Manifest is null)
        {
            throw new LocalServiceException("the devnet has no chain with contracts");
        }

        var chainId = await ChainConnection.GetChainIdAsync(state.RpcUrl, cancellationToken);
        DevelopmentKeys.EnsureLocal(chainId);
        var deployer = await ChainConnection.ConnectAsync(state.RpcUrl, DevelopmentKeys.Key(LocalNetwork.Roles["deployer"]), cancellationToken);
        if (ethWei > 0)
        {
            await deployer.Eth.GetEtherTransferService().TransferEtherAndWaitForReceiptAsync(address, Nethereum.Web3.Web3.Convert.FromWei(ethWei),
                cancellationToken: cancellationToken);
        }

        if (wbtcSatoshi > 0)
        {
            var manifest = DeploymentManifest.Load(state.Manifest);
            await new DevWrappedBtcService(deployer, manifest.AddressOf(ContractNames.WrappedBtc)).MintAsync(address, wbtcSatoshi, cancellationToken);
        }
    }
}
