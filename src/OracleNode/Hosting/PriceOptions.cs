namespace OracleNode.Hosting;

/// <summary>Price reports for the exchange's feeds (section <c>Prices</c>).</summary>
internal sealed class PriceOptions
{
    public const string Section = "Prices";

    /// <summary>Whether the node reports prices (it must be a staked oracle).</summary>
    public bool Enabled { get; set; }

    /// <summary>How often the node looks at the open rounds and its sources.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A feed's latest round older than this is reported again (keeps the exchange's price fresh).</summary>
    public TimeSpan RefreshAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A new round is started when the sources' median is this far from the feed's latest answer (basis points).</summary>
    public int MinChangeBps { get; set; } = 100;

    /// <summary>
    /// Reports a price beyond the exchange's circuit-breaker band of its reference price (which pauses the exchange for the
    /// jump delay). Off: such a move is refused and raised as an alert for the operator to confirm.
    /// </summary>
    public bool AllowBeyondBand { get; set; }

    /// <summary>The node's sources may differ by at most this (basis points of their median), else it refuses to report.</summary>
    public int MaxSourceSpreadBps { get; set; } = 200;

    /// <summary>The VPN / ETH feed (ETH per VPN token).</summary>
    public PriceFeedOptions VpnEth { get; set; } = new();

    /// <summary>The BTC / ETH feed (ETH per bitcoin).</summary>
    public PriceFeedOptions BtcEth { get; set; } = new();
}
