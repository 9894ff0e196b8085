using Oracle.Core.Policy;

namespace Oracle.Core.Tests.Policy;

public sealed class PolicyEvaluatorTests
{
    private static readonly PolicyContext Provider = new([IpPrefix.Parse("198.18.10.0/24"), IpPrefix.Parse("198.18.1.1/32")]);

    private static PolicyDecision Decide(PolicyDocument document, byte[] packet, TrafficDirection direction)
    {
        Assert.True(PacketTuple.TryParse(packet, out var tuple));
        var reference = PolicyEvaluator.Evaluate(document, Provider, tuple, direction);
        var compiled = CompiledPolicy.Compile(document, Provider).Evaluate(tuple, direction);
        Assert.Equal(reference, compiled);
        return reference;
    }

    [Fact]
    public void Evaluate_ProviderLan_DeniedByGuard()
    {
        var decision = Decide(PolicyDocument.DefaultExit, TestPackets.V4("198.19.0.2", "198.18.10.7", 6, 40000, 80), TrafficDirection.Outbound);

        Assert.Equal(new PolicyDecision(PolicyAction.Deny, PolicyDecision.ProviderGuardRuleId), decision);
    }

    [Fact]
    public void Evaluate_ProviderHostFromInside_DeniedInboundToo()
    {
        var decision = Decide(PolicyDocument.DefaultExit, TestPackets.V4("198.18.1.1", "198.19.0.2", 17, 53, 40000), TrafficDirection.Inbound);

        Assert.False(decision.IsAllowed);
        Assert.Equal(PolicyDecision.ProviderGuardRuleId, decision.RuleId);
    }

    [Fact]
    public void Evaluate_ExportedLan_GuardSparedRulesStillApply()
    {
        var document = PolicyDocument.Parse("""
            {"version":1,"defaultAction":"allow","exports":["198.18.10.0/25"],
             "rules":[{"id":5,"action":"deny","protocol":"tcp","ports":["445"]}]}
            """);

        Assert.True(Decide(document, TestPackets.V4("198.19.0.2", "198.18.10.7", 6, 40000, 80), TrafficDirection.Outbound).IsAllowed);
        Assert.Equal(5u, Decide(document, TestPackets.V4("198.19.0.2", "198.18.10.7", 6, 40000, 445), TrafficDirection.Outbound).RuleId);
        Assert.Equal(PolicyDecision.ProviderGuardRuleId, Decide(document, TestPackets.V4("198.19.0.2", "198.18.10.200", 6, 40000, 80), TrafficDirection.Outbound).RuleId);
    }

    [Fact]
    public void Evaluate_Smb_DeniedByRuleOne()
    {
        var decision = Decide(PolicyDocument.DefaultExit, TestPackets.V4("198.19.0.2", "198.18.200.1", 6, 40000, 445), TrafficDirection.Outbound);

        Assert.Equal(new PolicyDecision(PolicyAction.Deny, 1), decision);
    }

    [Fact]
    public void Evaluate_InboundRemotePortIsSourcePort()
    {
        // A reply from a remote SMB server: remote port 445 is the source port.
        var decision = Decide(PolicyDocument.DefaultExit, TestPackets.V4("198.18.200.1", "198.19.0.2", 6, 445, 40000), TrafficDirection.Inbound);

        Assert.Equal(1u, decision.RuleId);
    }

    [Fact]
    public void Evaluate_OutboundOnlyRule_IgnoresInbound()
    {
        // SMTP rule 3 is outbound only: a packet from remote port 25 coming in passes.
        var decision = Decide(PolicyDocument.DefaultExit, TestPackets.V4("198.18.200.1", "198.19.0.2", 6, 25, 40000), TrafficDirection.Inbound);

        Assert.True(decision.IsAllowed);
        Assert.Equal(PolicyDecision.DefaultRuleId, decision.RuleId);
    }

    [Fact]
    public void Evaluate_LaterFragment_DoesNotMatchPortRule()
    {
        var decision = Decide(PolicyDocument.DefaultExit, TestPackets.V4("198.19.0.2", "198.18.200.1", 6, 40000, 445, fragmentOffset: 100), TrafficDirection.Outbound);

        Assert.True(decision.IsAllowed);
    }

    [Fact]
    public void Evaluate_FirstMatchWinsAndDefaultDeny()
    {
        var document = PolicyDocument.Parse("""
            {"version":1,"defaultAction":"deny","rules":[
              {"id":1,"action":"allow","protocol":"udp","ports":["53"]},
              {"id":2,"action":"deny","networks":["198.18.53.0/24"]},
              {"id":3,"action":"allow","networks":["198.18.0.0/16","2001:db8::/32"]}]}
            """);

        Assert.Equal(new PolicyDecision(PolicyAction.Allow, 1), Decide(document, TestPackets.V4("198.19.0.2", "198.18.53.1", 17, 4000, 53), TrafficDirection.Outbound));
        Assert.Equal(new PolicyDecision(PolicyAction.Deny, 2), Decide(document, TestPackets.V4("198.19.0.2", "198.18.53.1", 6, 4000, 80), TrafficDirection.Outbound));
        Assert.Equal(new PolicyDecision(PolicyAction.Allow, 3), Decide(document, TestPackets.V6("2001:db8::2", "2001:db8::9", 6, 4000, 80), TrafficDirection.Outbound));
        Assert.Equal(new PolicyDecision(PolicyAction.Deny, PolicyDecision.DefaultRuleId), Decide(document, TestPackets.V4("198.19.0.2", "198.19.9.9", 1), TrafficDirection.Outbound));
    }
}
