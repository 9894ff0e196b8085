using System.Numerics;
using Nethereum.Signer;
using Nethereum.Web3;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Contracts.OracleRegistry;
using Oracle.Chain.Contracts.PriceFeed;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Contracts.TokenExchange;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Deployment;

namespace Arbitration.Api.Tests.Support;

/// <summary>An account on the test chain with its own signing connection and a service per contract.</summary>
internal sealed class Actor(EthECKey key, IWeb3 web3, DeploymentManifest manifest)
{
    public EthECKey Key { get; } = key;

    public IWeb3 Web3 { get; } = web3;

    public string Address { get; } = key.GetPublicAddress();

    public VpnTokenService Token { get; } = new(web3, manifest.AddressOf(ContractNames.VpnToken));

    public TokenExchangeService Exchange { get; } = new(web3, manifest.AddressOf(ContractNames.TokenExchange));

    public PriceFeedService VpnEthFeed { get; } = new(web3, manifest.AddressOf(ContractNames.PriceFeedVpnEth));

    public PriceFeedService BtcEthFeed { get; } = new(web3, manifest.AddressOf(ContractNames.PriceFeedBtcEth));

    public OracleRegistryService Oracles { get; } = new(web3, manifest.AddressOf(ContractNames.OracleRegistry));

    public ProviderRegistryService Providers { get; } = new(web3, manifest.AddressOf(ContractNames.ProviderRegistry));

    public SessionManagerService Sessions { get; } = new(web3, manifest.AddressOf(ContractNames.SessionManager));

    public DisputeManagerService Disputes { get; } = new(web3, manifest.AddressOf(ContractNames.DisputeManager));

    public Task<BigInteger> VpnBalanceAsync() => Token.BalanceOfQueryAsync(Address);

    public override string ToString() => Address;
}
