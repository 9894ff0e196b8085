namespace VpnGateway.Metering.Spool;

/// <summary>A session's evidence log as spooled: enough to continue it after a restart.</summary>
/// <param name="LeafHashes">Every leaf hash in order, 32 bytes each.</param>
/// <param name="Checkpoints">Each checkpoint's tree size and the allowed octets the log held then, in order.</param>
/// <param name="LastSequence">The sequence number of the last checkpoint.</param>
/// <param name="LastEpochTime">The epoch time of the last checkpoint (Unix seconds).</param>
/// <param name="LastCaptureDrops">The capture drops the last checkpoint reported.</param>
/// <param name="LastVoucherLogSize">The log size of the last voucher accepted (0: none).</param>
internal sealed record SessionLogSnapshot(
    byte[] LeafHashes,
    IReadOnlyList<(ulong TreeSize, ulong AllowedOctets)> Checkpoints,
    ulong LastSequence,
    ulong LastEpochTime,
    ulong LastCaptureDrops,
    ulong LastVoucherLogSize);
