namespace Oracle.Core.Policy;

/// <summary>What a policy rule does with the packets it matches.</summary>
public enum PolicyAction : byte
{
    /// <summary>The packet passes.</summary>
    Allow = 0,

    /// <summary>The packet is dropped and reported as an attempted violation.</summary>
    Deny = 1,
}
