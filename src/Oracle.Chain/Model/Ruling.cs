namespace Oracle.Chain.Model;

/// <summary><c>IDisputeManager.Ruling</c>: a vote and a ruling.</summary>
public enum Ruling : byte
{
    /// <summary>No ruling yet (never a valid vote).</summary>
    None = 0,

    /// <summary>The claim is upheld: the respondent is guilty.</summary>
    Upheld = 1,

    /// <summary>The claim is rejected (also on a tie or without reveals).</summary>
    Rejected = 2,
}
