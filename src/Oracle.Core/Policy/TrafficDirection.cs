namespace Oracle.Core.Policy;

/// <summary>Which way a packet crossed the provider's gateway.</summary>
public enum TrafficDirection : byte
{
    /// <summary>From the client through the tunnel towards the provider's network or the internet.</summary>
    Outbound = 0,

    /// <summary>From the provider's side back through the tunnel to the client.</summary>
    Inbound = 1,
}
