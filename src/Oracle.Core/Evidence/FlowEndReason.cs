namespace Oracle.Core.Evidence;

/// <summary>Why a flow record was closed (IPFIX <c>flowEndReason</c>, RFC 7012 / IANA registry).</summary>
public enum FlowEndReason : byte
{
    /// <summary>No packet for the idle timeout.</summary>
    IdleTimeout = 1,

    /// <summary>The flow lasted the active timeout; later packets start a new record.</summary>
    ActiveTimeout = 2,

    /// <summary>A TCP FIN or RST was seen and the flow then went idle.</summary>
    EndOfFlow = 3,

    /// <summary>The session ended or the gateway stopped metering.</summary>
    ForcedEnd = 4,

    /// <summary>The flow table was full and this flow, the least recently seen, was evicted.</summary>
    LackOfResources = 5,
}
