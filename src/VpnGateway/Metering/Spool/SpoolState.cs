namespace VpnGateway.Metering.Spool;

/// <summary>Where a spooled batch is (the <c>state</c> column).</summary>
internal enum SpoolState
{
    /// <summary>Waiting for its voucher, or for the broker to confirm its publication.</summary>
    Spooled = 0,

    /// <summary>The broker confirmed it; waiting for the collector's acknowledgement (published again after a timeout).</summary>
    Published = 1,

    /// <summary>Could not be read back from the spool: set aside, kept, not published.</summary>
    Unreadable = 2,

    /// <summary>The collector rejected it (the reason is kept): quarantined for inspection, not published again.</summary>
    Rejected = 3,
}
