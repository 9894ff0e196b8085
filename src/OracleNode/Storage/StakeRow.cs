namespace OracleNode.Storage;

/// <summary>An oracle's stake after its latest staking event.</summary>
internal sealed class StakeRow
{
    public string Oracle { get; init; } = "";

    /// <summary>Base units, decimal.</summary>
    public string Stake { get; init; } = "0";
}
