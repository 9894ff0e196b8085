namespace VpnGateway.Metering.Flows;

/// <summary>The outcome of parsing a packet's headers; anything but <see cref="Ok"/> is dropped from metering and counted.</summary>
internal enum PacketParseResult
{
    Ok = 0,

    /// <summary>Neither IPv4 nor IPv6 (version nibble).</summary>
    NotIp,

    /// <summary>The captured bytes end inside a header metering needs.</summary>
    Truncated,

    /// <summary>A header field is impossible (IPv4 IHL below 5, TCP data offset below 5, lengths that do not add up).</summary>
    BadHeader,
}
