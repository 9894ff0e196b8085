namespace VpnGateway.Control;

/// <summary>
/// Control message type numbers (docs/protocol.md §4.8). Ranges: 0x0001–0x00FF the gateway itself, 0x0100–0x01FF
/// metering (reserved for the metering layer; the five named below are its protocol), 0x8000–0xFFFF private or
/// experimental use between consenting peers.
/// </summary>
public static class ControlMessageTypes
{
    /// <summary>The largest payload of one control message (16 MiB).</summary>
    public const int MaxPayloadSize = 16 << 20;

    /// <summary>Provider → client, once per session: the session's parameters as JSON (provider networks, exports, policy document).</summary>
    public const ushort SessionInfo = 0x0001;

    /// <summary>Either side, last message of a session: the sender tore it down (or is about to); UTF-8 reason. The receiver ends the session at once.</summary>
    public const ushort Close = 0x0002;

    /// <summary>
    /// Either side: the sender ends the session; it stopped sending data and finishes its last control exchange (metering's
    /// last epoch and voucher) before Close; UTF-8 reason. The receiver stops data too, finishes its own, and the provider sends Close.
    /// </summary>
    public const ushort Ending = 0x0003;

    /// <summary>First type reserved for metering.</summary>
    public const ushort MeteringFirst = 0x0100;

    /// <summary>Provider → client: a signed evidence checkpoint.</summary>
    public const ushort MeteringCheckpoint = 0x0100;

    /// <summary>Provider → client: the flow records of the checkpoint's epoch.</summary>
    public const ushort MeteringFlowRecords = 0x0101;

    /// <summary>Client → provider: a signed payment voucher.</summary>
    public const ushort MeteringVoucher = 0x0102;

    /// <summary>Either side: a rejection of a checkpoint, records or voucher, with a reason.</summary>
    public const ushort MeteringReject = 0x0103;

    /// <summary>Provider → client: the session's evidence key with the provider's signed commitment (sent before any epoch).</summary>
    public const ushort MeteringEvidenceKey = 0x0104;

    /// <summary>Last type reserved for metering.</summary>
    public const ushort MeteringLast = 0x01FF;

    /// <summary>First type for private or experimental use.</summary>
    public const ushort PrivateFirst = 0x8000;
}
