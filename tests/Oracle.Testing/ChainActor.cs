using System.Numerics;
using Nethereum.Signer;
using Nethereum.Web3;
using Oracle.Chain.Contracts.DevWrappedBtc;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Contracts.EvidenceRegistry;
using Oracle.Chain.Contracts.OracleRegistry;
using Oracle.Chain.Contracts.PriceFeed;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Contracts.TokenExchange;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Deployment;

namespace Oracle.Testing;

/// <summary>
/// An account on a test chain with its own signing connection and a service per contract of a deployed network: a
/// client, a provider, an oracle, a collector's key. Every test project's parties are one of these.
/// </summary>
public sealed class ChainActor(EthECKey key, IWeb3 web3, DeploymentManifest manifest)
{
    public EthECKey Key { get; } = key;

    public IWeb3 Web3 { get; } = web3;

    public string Address { get; } = key.GetPublicAddress();

    public VpnTokenService Token { get; } = new(web3, manifest.AddressOf(ContractNames.VpnToken));

    public DevWrappedBtcService WrappedBtc { get; } = new(web3, manifest.AddressOf(ContractNames.WrappedBtc));

    public TokenExchangeService Exchange { get; } = new(web3, manifest.AddressOf(ContractNames.TokenExchange));

    public PriceFeedService VpnEthFeed { get; } = new(web3, manifest.AddressOf(ContractNames.PriceFeedVpnEth));

    public PriceFeedService BtcEthFeed { get; } = new(web3, manifest.AddressOf(ContractNames.PriceFeedBtcEth));

    public OracleRegistryService Oracles { get; } = new(web3, manifest.AddressOf(ContractNames.OracleRegistry));

    public ProviderRegistryService Providers { get; } = new(web3, manifest.AddressOf(ContractNames.ProviderRegistry));

    public SessionManagerService Sessions { get; } = new(web3, manifest.AddressOf(ContractNames.SessionManager));

    public EvidenceRegistryService Evidence { get; } = new(web3, manifest.AddressOf(ContractNames.EvidenceRegistry));

    public DisputeManagerService Disputes { get; } = new(web3, manifest.AddressOf(ContractNames.DisputeManager));

    /// <summary>The account's VPN balance in base units.</summary>
    public Task<BigInteger> VpnBalanceAsync() => Token.BalanceOfQueryAsync(Address);

    public override string ToString() => Address;
}
