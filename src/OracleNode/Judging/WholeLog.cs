namespace OracleNode.Judging;

/// <summary>A session's log proven whole at an anchored checkpoint, or why not.</summary>
/// <param name="TreeSize">Leaves at the checkpoint (0 when not proven).</param>
/// <param name="AllowedOctets">Octets of its allowed records.</param>
/// <param name="Problem">Why the log is not proven (null when it is).</param>
/// <param name="Complete">False when a server did not answer.</param>
internal sealed record WholeLog(ulong TreeSize, ulong AllowedOctets, string? Problem, bool Complete)
{
    public bool IsProven => Problem is null;
}
