namespace VpnGateway.Metering;

/// <summary>The names of metering's counters (see <see cref="MeteringMetrics"/>).</summary>
public static class MeteringCounters
{
    /// <summary>Packets counted into flows.</summary>
    public const string Packets = "oracle.metering.packets";

    /// <summary>Packets whose headers could not be read (tag reason).</summary>
    public const string MalformedPackets = "oracle.metering.packets.malformed";

    /// <summary>Flow records appended to evidence logs.</summary>
    public const string Records = "oracle.metering.records";

    /// <summary>Flow records that failed to encode and were left out (tag reason).</summary>
    public const string RecordsRejected = "oracle.metering.records.rejected";

    /// <summary>Checkpoints signed by this gateway.</summary>
    public const string Checkpoints = "oracle.metering.checkpoints";

    /// <summary>Provider: vouchers accepted.</summary>
    public const string VouchersAccepted = "oracle.metering.vouchers.accepted";

    /// <summary>Provider: vouchers rejected (tag reason).</summary>
    public const string VouchersRejected = "oracle.metering.vouchers.rejected";

    /// <summary>Provider: epochs the client refused (tag reason).</summary>
    public const string EpochsRefusedByClient = "oracle.metering.epochs.refused_by_client";

    /// <summary>Provider: control messages that could not be used (tag reason).</summary>
    public const string ControlMessagesRejected = "oracle.metering.control.rejected";

    /// <summary>Client: epochs of the provider it refused (tag reason).</summary>
    public const string EpochsRejected = "oracle.metering.epochs.rejected";

    /// <summary>Client: epochs whose records disagree with what the client saw (tag reason).</summary>
    public const string ProviderMismatches = "oracle.metering.provider.mismatches";

    /// <summary>Client: vouchers signed.</summary>
    public const string VouchersSigned = "oracle.metering.vouchers.signed";

    /// <summary>Provider: sessions cut off for not paying.</summary>
    public const string SessionsCutOff = "oracle.metering.sessions.cut_off";

    /// <summary>Batches confirmed by the broker and removed from the spool.</summary>
    public const string BatchesPublished = "oracle.metering.spool.published";

    /// <summary>Failed publication attempts (tag reason: the exception type).</summary>
    public const string PublishFailures = "oracle.metering.spool.publish_failures";
}
