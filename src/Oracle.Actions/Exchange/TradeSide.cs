namespace Oracle.Actions.Exchange;

/// <summary>Which way a trade goes: VPN bought (paid in ETH or wrapped BTC) or sold back.</summary>
public enum TradeSide
{
    /// <summary>VPN bought from the exchange.</summary>
    Buy,

    /// <summary>VPN sold back to the exchange.</summary>
    Sell,
}
