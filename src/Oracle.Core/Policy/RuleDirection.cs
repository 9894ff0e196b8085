namespace Oracle.Core.Policy;

/// <summary>Which packets of a session a rule looks at.</summary>
public enum RuleDirection : byte
{
    /// <summary>Both directions.</summary>
    Any = 0,

    /// <summary>Only packets from the client towards the provider's side (<see cref="TrafficDirection.Outbound"/>).</summary>
    Outbound = 1,

    /// <summary>Only packets from the provider's side towards the client (<see cref="TrafficDirection.Inbound"/>).</summary>
    Inbound = 2,
}
