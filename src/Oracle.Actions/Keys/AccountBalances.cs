using Oracle.Actions.Units;

namespace Oracle.Actions.Keys;

/// <summary>What an account holds on the network, and what it has at stake there.</summary>
/// <param name="Address">The account.</param>
/// <param name="Eth">Ether (pays gas and buys VPN).</param>
/// <param name="WrappedBtc">Wrapped BTC (buys VPN).</param>
/// <param name="Vpn">VPN tokens held.</param>
/// <param name="ProviderBond">The bond posted as a provider (zero when not one).</param>
/// <param name="OracleStake">The stake as an oracle (zero when not one).</param>
/// <param name="Claimable">VPN credited by dispute rulings and rewards, waiting to be withdrawn (`oracle dispute claim`).</param>
public sealed record AccountBalances(string Address, TokenAmount Eth, TokenAmount WrappedBtc, TokenAmount Vpn, TokenAmount ProviderBond, TokenAmount OracleStake,
    TokenAmount Claimable);
