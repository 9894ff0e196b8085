namespace Oracle.Core.Policy;

/// <summary>
/// A policy document and context flattened into arrays for the packet path (<see cref="PrefixSet"/>s): no allocation,
/// no interface calls, IPv4 compared as 32-bit numbers. Gives the same verdict as <see cref="PolicyEvaluator"/> on every
/// input (a property test checks this).
/// </summary>
public sealed class CompiledPolicy
{
    private readonly PrefixSet _guard;
    private readonly PrefixSet _exports;
    private readonly Rule[] _rules;
    private readonly PortRange[] _ports;
    private readonly PolicyDecision _default;

    private CompiledPolicy(PolicyDocument document, PolicyContext context)
    {
        Document = document;
        Context = context;
        _guard = new PrefixSet(context.ProviderNetworks);
        _exports = new PrefixSet(document.Exports);
        var rules = new Rule[document.Rules.Count];
        var ports = new List<PortRange>();
        for (var i = 0; i < rules.Length; i++)
        {
            var source = document.Rules[i];
            rules[i] = new Rule
            {
                Decision = new PolicyDecision(source.Action, source.Id),
                Directions = source.Direction switch
                {
                    RuleDirection.Outbound => 1,
                    RuleDirection.Inbound => 2,
                    _ => 3,
                },
                Protocol = source.Protocol ?? -1,
                Networks = new PrefixSet(source.Networks),
                PortStart = ports.Count,
                PortEnd = ports.Count + source.Ports.Count,
            };
            ports.AddRange(source.Ports);
        }

        _rules = rules;
        _ports = [.. ports];
        _default = new PolicyDecision(document.DefaultAction, PolicyDecision.DefaultRuleId);
        RateLimit = document.RateLimit;
    }

    /// <summary>The document this was compiled from.</summary>
    public PolicyDocument Document { get; }

    /// <summary>The context it was compiled with.</summary>
    public PolicyContext Context { get; }

    /// <summary>The document's rate limit, if any.</summary>
    public RateLimit? RateLimit { get; }

    /// <summary>Compiles <paramref name="document"/> for <paramref name="context"/>.</summary>
    public static CompiledPolicy Compile(PolicyDocument document, PolicyContext context)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(context);
        return new CompiledPolicy(document, context);
    }

    /// <summary>Decides one packet (see <see cref="PolicyEvaluator.Evaluate"/>).</summary>
    public PolicyDecision Evaluate(in PacketTuple packet, TrafficDirection direction)
    {
        var outbound = direction == TrafficDirection.Outbound;
        var remote = outbound ? packet.Destination : packet.Source;
        var port = outbound ? packet.DestinationPort : packet.SourcePort;
        var directionBit = outbound ? 1 : 2;
        if (_guard.Contains(packet.IsIPv6, remote) && !_exports.Contains(packet.IsIPv6, remote))
        {
            return new PolicyDecision(PolicyAction.Deny, PolicyDecision.ProviderGuardRuleId);
        }

        var rules = _rules;
        for (var i = 0; i < rules.Length; i++)
        {
            ref readonly var rule = ref rules[i];
            if ((rule.Directions & directionBit) == 0 || (rule.Protocol >= 0 && rule.Protocol != packet.Protocol)
                || !rule.Networks.Contains(packet.IsIPv6, remote))
            {
                continue;
            }

            if (rule.PortEnd > rule.PortStart && (!packet.HasPorts || !ContainsPort(rule.PortStart, rule.PortEnd, port)))
            {
                continue;
            }

            return rule.Decision;
        }

        return _default;
    }

    private bool ContainsPort(int start, int end, ushort port)
    {
        var ports = _ports;
        for (var i = start; i < end; i++)
        {
            if (port >= ports[i].First && port <= ports[i].Last)
            {
                return true;
            }
        }

        return false;
    }

    private struct Rule
    {
        public PolicyDecision Decision;
        public int Directions;
        public int Protocol;
        public PrefixSet Networks;
        public int PortStart;
        public int PortEnd;
    }
}
