namespace VpnGateway.Metering.Spool;

/// <summary>What an acknowledgement from the collector did to the spool.</summary>
internal enum AcknowledgementOutcome
{
    /// <summary>The batch was removed: the collector holds exactly this content.</summary>
    Removed,

    /// <summary>No such batch waits (already acknowledged: a duplicate answer; or quarantined).</summary>
    NotSpooled,

    /// <summary>The acknowledged digest is not the spooled batch's: it stays and is published again.</summary>
    OtherContent,
}
