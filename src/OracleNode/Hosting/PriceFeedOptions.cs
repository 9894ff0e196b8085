namespace OracleNode.Hosting;

/// <summary>One feed's sources.</summary>
internal sealed class PriceFeedOptions
{
    /// <summary>Where the price comes from; at least one when prices are enabled (two or more let the node notice a bad one).</summary>
    public List<PriceSourceOptions> Sources { get; set; } = [];
}
