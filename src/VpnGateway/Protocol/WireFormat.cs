namespace VpnGateway.Protocol;

/// <summary>Sizes and offsets of the tunnel messages (docs/protocol.md §4.2).</summary>
internal static class WireFormat
{
    public const int KeySize = 32;
    public const int TagSize = 16;
    public const int MacSize = 16;

    public const int InitiationSenderIndex = 4;
    public const int InitiationEphemeral = 8;
    public const int InitiationStatic = 40;
    public const int InitiationPayload = InitiationStatic + KeySize + TagSize; // 88
    public const int InitiationMac1 = InitiationPayload + InitiationPayloadLayout.Size + TagSize;
    public const int InitiationMac2 = InitiationMac1 + MacSize;
    public const int InitiationSize = InitiationMac2 + MacSize;

    public const int ResponseSenderIndex = 4;
    public const int ResponseReceiverIndex = 8;
    public const int ResponseEphemeral = 12;
    public const int ResponsePayload = ResponseEphemeral + KeySize; // 44
    public const int ResponseMac1 = ResponsePayload + ResponsePayloadLayout.Size + TagSize;
    public const int ResponseMac2 = ResponseMac1 + MacSize;
    public const int ResponseSize = ResponseMac2 + MacSize;

    public const int CookieReceiverIndex = 4;
    public const int CookieNonce = 8;
    public const int CookieNonceSize = 24;
    public const int CookieEncrypted = CookieNonce + CookieNonceSize; // 32
    public const int CookieSize = CookieEncrypted + MacSize + TagSize; // 64

    public const int TransportReceiverIndex = 4;
    public const int TransportCounter = 8;
    public const int TransportHeaderSize = 16;
    public const int TransportOverhead = TransportHeaderSize + TagSize;
    public const int TransportMinimumSize = TransportOverhead;

    /// <summary>Plaintext of data messages is padded with zeros to a multiple of this (hides exact lengths).</summary>
    public const int Padding = 16;

    /// <summary>Outer overhead per packet on IPv6 underlay: IPv6 40 + UDP 8 + transport 32 (+ up to 15 padding).</summary>
    public const int UnderlayOverheadIPv6 = 40 + 8 + TransportOverhead + Padding - 1;

    public static int Padded(int length, int mtu)
    {
        var padded = (length + Padding - 1) & ~(Padding - 1);
        return padded > mtu ? Math.Max(length, mtu) : padded;
    }
}
