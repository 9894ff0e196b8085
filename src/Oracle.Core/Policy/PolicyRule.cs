namespace Oracle.Core.Policy;

/// <summary>
/// One rule of a policy document. A rule matches a packet when every field matches; the first matching rule (in
/// document order) decides. Addresses and ports are those of the <em>remote</em> end: the destination of an outbound
/// packet, the source of an inbound one, so one rule covers both directions of a conversation.
/// </summary>
public sealed class PolicyRule
{
    /// <summary>Creates a rule; <see cref="PolicyDocument"/> validates it as part of a document.</summary>
    /// <param name="id">The rule id (1 to 4294967293; 0, 4294967294 and 4294967295 are reserved).</param>
    /// <param name="action">Allow or deny.</param>
    /// <param name="direction">Which packets it looks at.</param>
    /// <param name="protocol">The IP protocol number (after IPv6 extension headers), or null for any.</param>
    /// <param name="networks">Remote address prefixes; an empty list means any address.</param>
    /// <param name="ports">Remote TCP/UDP port ranges; an empty list means any port (and any protocol).</param>
    /// <param name="description">Free text for people; part of the hashed document.</param>
    public PolicyRule(uint id, PolicyAction action, RuleDirection direction = RuleDirection.Any, byte? protocol = null,
        IReadOnlyList<IpPrefix>? networks = null, IReadOnlyList<PortRange>? ports = null, string? description = null)
    {
        Id = id;
        Action = action;
        Direction = direction;
        Protocol = protocol;
        Networks = networks is null || networks.Count == 0 ? [IpPrefix.AnyIPv4, IpPrefix.AnyIPv6] : [.. networks];
        Ports = ports is null ? [] : [.. ports];
        Description = description;
    }

    /// <summary>The rule id, reported with every packet the rule denies.</summary>
    public uint Id { get; }

    /// <summary>Allow or deny.</summary>
    public PolicyAction Action { get; }

    /// <summary>Which packets the rule looks at.</summary>
    public RuleDirection Direction { get; }

    /// <summary>The IP protocol number, or null for any.</summary>
    public byte? Protocol { get; }

    /// <summary>Remote address prefixes (never empty: "any" is <c>0.0.0.0/0</c> and <c>::/0</c>).</summary>
    public IReadOnlyList<IpPrefix> Networks { get; }

    /// <summary>Remote port ranges; empty means any. A rule with ports matches only TCP and UDP packets that carry ports.</summary>
    public IReadOnlyList<PortRange> Ports { get; }

    /// <summary>Free text for people.</summary>
    public string? Description { get; }
}
