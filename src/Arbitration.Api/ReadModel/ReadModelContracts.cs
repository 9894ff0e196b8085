using Oracle.Chain;
using Oracle.Chain.Deployment;

namespace Arbitration.Api.ReadModel;

/// <summary>The contracts the read model follows, by address (lower case), and the two price feeds' names.</summary>
internal sealed class ReadModelContracts
{
    /// <summary>The read model's name of the VPN / ETH feed.</summary>
    public const string VpnEth = "vpn-eth";

    /// <summary>The read model's name of the BTC / ETH feed.</summary>
    public const string BtcEth = "btc-eth";

    public ReadModelContracts(ChainContext chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        VpnEthFeed = chain.AddressOf(ContractNames.PriceFeedVpnEth).ToLowerInvariant();
        BtcEthFeed = chain.AddressOf(ContractNames.PriceFeedBtcEth).ToLowerInvariant();
        Exchange = chain.AddressOf(ContractNames.TokenExchange).ToLowerInvariant();
    }

    public string VpnEthFeed { get; }

    public string BtcEthFeed { get; }

    public string Exchange { get; }

    /// <summary>The feed name of a feed contract, or <see langword="null"/>.</summary>
    public string? FeedName(string contract)
        => string.Equals(contract, VpnEthFeed, StringComparison.OrdinalIgnoreCase) ? VpnEth
            : string.Equals(contract, BtcEthFeed, StringComparison.OrdinalIgnoreCase) ? BtcEth : null;

    /// <summary>The feed contract of a feed name.</summary>
    public string FeedAddress(string feed) => feed == VpnEth ? VpnEthFeed : BtcEthFeed;
}
