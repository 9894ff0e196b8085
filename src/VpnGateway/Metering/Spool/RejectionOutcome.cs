namespace VpnGateway.Metering.Spool;

/// <summary>What a rejection from the collector did to the spool (<see cref="EvidenceSpool.Reject"/>).</summary>
internal enum RejectionOutcome
{
    /// <summary>The published batch with that content is quarantined.</summary>
    Quarantined,

    /// <summary>No published batch has that id (not published yet, waiting for its voucher; already acknowledged or quarantined).</summary>
    NotPublished,

    /// <summary>The rejected digest is not the spooled batch's: left as it is.</summary>
    OtherContent,
}
