namespace VpnGateway.Metering;

/// <summary>
/// The names of metering's counters (see <see cref="MeteringMetrics"/>); /metrics shows them prefixed with the meter's
/// name, for example <c>oracle_vpngateway_metering_vouchers_rejected{reason="Stale"}</c>.
/// </summary>
public static class MeteringCounters
{
    /// <summary>Packets counted into flows.</summary>
    public const string Packets = "packets";

    /// <summary>Packets whose headers could not be read (tag reason).</summary>
    public const string MalformedPackets = "packets.malformed";

    /// <summary>Flow records appended to evidence logs.</summary>
    public const string Records = "records";

    /// <summary>Flow records that failed to encode and were left out (tag reason).</summary>
    public const string RecordsRejected = "records.rejected";

    /// <summary>Checkpoints signed by this gateway.</summary>
    public const string Checkpoints = "checkpoints";

    /// <summary>Provider: vouchers accepted.</summary>
    public const string VouchersAccepted = "vouchers.accepted";

    /// <summary>Settlement transactions confirmed on-chain, by action (<c>settle</c>, <c>close</c>, <c>finalize</c>).</summary>
    public const string SettlementTransactions = "settlement.transactions";

    /// <summary>Settlement attempts that failed (a revert, a node that did not answer), by action; retried with backoff.</summary>
    public const string SettlementFailures = "settlement.failures";

    /// <summary>Provider: vouchers rejected (tag reason).</summary>
    public const string VouchersRejected = "vouchers.rejected";

    /// <summary>Provider: epochs the client refused (tag reason).</summary>
    public const string EpochsRefusedByClient = "epochs.refused_by_client";

    /// <summary>Provider: control messages that could not be used (tag reason).</summary>
    public const string ControlMessagesRejected = "control.rejected";

    /// <summary>Client: epochs of the provider it refused (tag reason).</summary>
    public const string EpochsRejected = "epochs.rejected";

    /// <summary>Client: epochs whose records disagree with what the client saw (tag reason).</summary>
    public const string ProviderMismatches = "provider.mismatches";

    /// <summary>Client: vouchers signed.</summary>
    public const string VouchersSigned = "vouchers.signed";

    /// <summary>Client: vouchers signed but not sent (<see cref="MeteringOptions.WithholdVouchers"/>, testing only).</summary>
    public const string VouchersWithheld = "vouchers.withheld";

    /// <summary>Provider: packets the policy's rate limit dropped (not violations; left out of the allowed records).</summary>
    public const string RateLimitedPackets = "packets.rate_limited";

    /// <summary>Provider: sessions cut off for not paying.</summary>
    public const string SessionsCutOff = "sessions.cut_off";

    /// <summary>Publications the broker confirmed (the batch then waits in the spool for the collector's acknowledgement).</summary>
    public const string BatchesPublished = "spool.published";

    /// <summary>Failed publication attempts (tag reason: the exception type).</summary>
    public const string PublishFailures = "spool.publish_failures";

    /// <summary>Batches the collector accepted (tag reason: Verified or Duplicate), removed from the spool.</summary>
    public const string BatchesAcknowledged = "spool.acknowledged";

    /// <summary>Acknowledgements whose digest is not the spooled batch's: the batch is kept and published again.</summary>
    public const string AcknowledgementsMismatched = "spool.acknowledgements_mismatched";

    /// <summary>Batches the collector rejected (tag reason: the error), kept quarantined in the spool.</summary>
    public const string BatchesRejected = "spool.rejected";

    /// <summary>
    /// Rejections that named no published batch or other content (tag reason: NotPublished, OtherContent): ignored, so
    /// a forged rejection quarantines nothing.
    /// </summary>
    public const string RejectionsIgnored = "spool.rejections_ignored";

    /// <summary>Batches published again because the collector's acknowledgement did not come in time.</summary>
    public const string BatchesRepublished = "spool.republished";
}
