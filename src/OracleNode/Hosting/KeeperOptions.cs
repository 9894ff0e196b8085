namespace OracleNode.Hosting;

/// <summary>Keeping disputes moving (section <c>Keeper</c>).</summary>
internal sealed class KeeperOptions
{
    public const string Section = "Keeper";

    /// <summary>
    /// Whether the node sends the phase transitions open to anyone (draw, endDrawing, settleRound, executeRuling) once
    /// they are due and nobody else sent them.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The stand-down slot: the staked oracles are ranked per dispute and action (a hash of both and the address);
    /// the node of rank k waits k slots after the action became due, then sends it if it is still due.
    /// </summary>
    public TimeSpan Slot { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Claims the node's juror rewards once its rounds are decided (settling a round first when needed).</summary>
    public bool ClaimRewards { get; set; } = true;

    /// <summary>Withdraws what the DisputeManager credited the node (refunds, pools without coherent seats) as it arrives.</summary>
    public bool WithdrawCredits { get; set; }
}
