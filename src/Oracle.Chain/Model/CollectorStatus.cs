namespace Oracle.Chain.Model;

/// <summary><c>IEvidenceRegistry.CollectorStatus</c>.</summary>
public enum CollectorStatus : byte
{
    /// <summary>Not registered.</summary>
    None = 0,

    /// <summary>Anchors checkpoints.</summary>
    Active = 1,

    /// <summary>Stopped anchoring; bond withdrawable after the delay (or withdrawn).</summary>
    Unbonding = 2,

    /// <summary>Proven to have equivocated; the bond went to the prover.</summary>
    Slashed = 3,
}
