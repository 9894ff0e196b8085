namespace VpnGateway.Metering.Exchange;

/// <summary>The evidence messages between the two gateways of a session (docs/protocol.md §5.3).</summary>
public enum EvidenceMessageType : byte
{
    /// <summary>Provider → client: an epoch's records and the gateway's signed checkpoint.</summary>
    Epoch = 1,

    /// <summary>Client → provider: the signed voucher for an epoch.</summary>
    Voucher = 2,

    /// <summary>Client → provider: the client refuses an epoch, with the reason.</summary>
    EpochRejected = 3,

    /// <summary>Provider → client: the session's evidence key and the provider's signed commitment to it (docs/protocol.md §5.5).</summary>
    EvidenceKey = 4,
}
