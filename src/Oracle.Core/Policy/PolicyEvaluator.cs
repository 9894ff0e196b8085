namespace Oracle.Core.Policy;

/// <summary>
/// The reference evaluator: the semantics of docs/protocol.md §6.3 written as plainly as possible. Oracle nodes run
/// this on evidence; the gateway runs <see cref="CompiledPolicy"/>, which must give the same verdict on every input.
/// </summary>
public static class PolicyEvaluator
{
    /// <summary>Decides one packet.</summary>
    /// <param name="document">The session's policy.</param>
    /// <param name="context">The provider's protected networks.</param>
    /// <param name="packet">The packet's fields.</param>
    /// <param name="direction">Which way the packet crosses the gateway.</param>
    public static PolicyDecision Evaluate(PolicyDocument document, PolicyContext context, in PacketTuple packet, TrafficDirection direction)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(context);
        var outbound = direction == TrafficDirection.Outbound;
        var remote = outbound ? packet.Destination : packet.Source;
        var remotePort = outbound ? packet.DestinationPort : packet.SourcePort;

        // 1. The guard: the provider's own networks, unless exported.
        if (AnyContains(context.ProviderNetworks, packet.IsIPv6, remote) && !AnyContains(document.Exports, packet.IsIPv6, remote))
        {
            return new PolicyDecision(PolicyAction.Deny, PolicyDecision.ProviderGuardRuleId);
        }

        // 2. The rules, first match wins.
        foreach (var rule in document.Rules)
        {
            if (rule.Direction == RuleDirection.Outbound && !outbound)
            {
                continue;
            }

            if (rule.Direction == RuleDirection.Inbound && outbound)
            {
                continue;
            }

            if (rule.Protocol is { } protocol && protocol != packet.Protocol)
            {
                continue;
            }

            if (!AnyContains(rule.Networks, packet.IsIPv6, remote))
            {
                continue;
            }

            if (rule.Ports.Count > 0 && !(packet.HasPorts && AnyContains(rule.Ports, remotePort)))
            {
                continue;
            }

            return new PolicyDecision(rule.Action, rule.Id);
        }

        // 3. The default.
        return new PolicyDecision(document.DefaultAction, PolicyDecision.DefaultRuleId);
    }

    private static bool AnyContains(IReadOnlyList<IpPrefix> prefixes, bool isIPv6, UInt128 address)
    {
        foreach (var prefix in prefixes)
        {
            if (prefix.Contains(isIPv6, address))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AnyContains(IReadOnlyList<PortRange> ranges, ushort port)
    {
        foreach (var range in ranges)
        {
            if (range.Contains(port))
            {
                return true;
            }
        }

        return false;
    }
}
