namespace Oracle.Core.Policy;

/// <summary>
/// A policy document and context flattened into arrays for the packet path: no allocation, no interface calls, IPv4
/// compared as 32-bit numbers. Gives the same verdict as <see cref="PolicyEvaluator"/> on every input (a property test
/// checks this).
/// </summary>
public sealed class CompiledPolicy
{
    private readonly Prefix4[] _guard4;
    private readonly Prefix6[] _guard6;
    private readonly Prefix4[] _exports4;
    private readonly Prefix6[] _exports6;
    private readonly Rule[] _rules;
    private readonly Prefix4[] _networks4;
    private readonly Prefix6[] _networks6;
    private readonly PortRange[] _ports;
    private readonly PolicyDecision _default;

    private CompiledPolicy(PolicyDocument document, PolicyContext context)
    {
        Document = document;
        Context = context;
        Split(context.ProviderNetworks, out _guard4, out _guard6);
        Split(document.Exports, out _exports4, out _exports6);
        var rules = new Rule[document.Rules.Count];
        var networks4 = new List<Prefix4>();
        var networks6 = new List<Prefix6>();
        var ports = new List<PortRange>();
        for (var i = 0; i < rules.Length; i++)
        {
            var source = document.Rules[i];
            var rule = new Rule
            {
                Decision = new PolicyDecision(source.Action, source.Id),
                Directions = source.Direction switch
                {
                    RuleDirection.Outbound => 1,
                    RuleDirection.Inbound => 2,
                    _ => 3,
                },
                Protocol = source.Protocol ?? -1,
                Start4 = networks4.Count,
                Start6 = networks6.Count,
                PortStart = ports.Count,
            };
            foreach (var prefix in source.Networks)
            {
                if (prefix.IsIPv6)
                {
                    networks6.Add(new Prefix6(prefix.Network, prefix.Mask));
                }
                else
                {
                    networks4.Add(new Prefix4((uint)prefix.Network, (uint)prefix.Mask));
                }
            }

            ports.AddRange(source.Ports);
            rule.End4 = networks4.Count;
            rule.End6 = networks6.Count;
            rule.PortEnd = ports.Count;
            rules[i] = rule;
        }

        _rules = rules;
        _networks4 = [.. networks4];
        _networks6 = [.. networks6];
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
        if (packet.IsIPv6)
        {
            if (Contains(_guard6, 0, _guard6.Length, remote) && !Contains(_exports6, 0, _exports6.Length, remote))
            {
                return new PolicyDecision(PolicyAction.Deny, PolicyDecision.ProviderGuardRuleId);
            }
        }
        else
        {
            var remote4 = (uint)remote;
            if (Contains(_guard4, 0, _guard4.Length, remote4) && !Contains(_exports4, 0, _exports4.Length, remote4))
            {
                return new PolicyDecision(PolicyAction.Deny, PolicyDecision.ProviderGuardRuleId);
            }
        }

        var rules = _rules;
        for (var i = 0; i < rules.Length; i++)
        {
            ref readonly var rule = ref rules[i];
            if ((rule.Directions & directionBit) == 0 || (rule.Protocol >= 0 && rule.Protocol != packet.Protocol))
            {
                continue;
            }

            var inNetworks = packet.IsIPv6
                ? Contains(_networks6, rule.Start6, rule.End6, remote)
                : Contains(_networks4, rule.Start4, rule.End4, (uint)remote);
            if (!inNetworks)
            {
                continue;
            }

            if (rule.PortEnd > rule.PortStart)
            {
                if (!packet.HasPorts || !ContainsPort(rule.PortStart, rule.PortEnd, port))
                {
                    continue;
                }
            }

            return rule.Decision;
        }

        return _default;
    }

    private static bool Contains(Prefix4[] prefixes, int start, int end, uint address)
    {
        for (var i = start; i < end; i++)
        {
            if ((address & prefixes[i].Mask) == prefixes[i].Network)
            {
                return true;
            }
        }

        return false;
    }

    private static bool Contains(Prefix6[] prefixes, int start, int end, UInt128 address)
    {
        for (var i = start; i < end; i++)
        {
            if ((address & prefixes[i].Mask) == prefixes[i].Network)
            {
                return true;
            }
        }

        return false;
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

    private static void Split(IReadOnlyList<IpPrefix> prefixes, out Prefix4[] v4, out Prefix6[] v6)
    {
        var four = new List<Prefix4>();
        var six = new List<Prefix6>();
        foreach (var prefix in prefixes)
        {
            if (prefix.IsIPv6)
            {
                six.Add(new Prefix6(prefix.Network, prefix.Mask));
            }
            else
            {
                four.Add(new Prefix4((uint)prefix.Network, (uint)prefix.Mask));
            }
        }

        v4 = [.. four];
        v6 = [.. six];
    }

    private readonly record struct Prefix4(uint Network, uint Mask);

    private readonly record struct Prefix6(UInt128 Network, UInt128 Mask);

    private struct Rule
    {
        public PolicyDecision Decision;
        public int Directions;
        public int Protocol;
        public int Start4;
        public int End4;
        public int Start6;
        public int End6;
        public int PortStart;
        public int PortEnd;
    }
}
