using Oracle.Core.Policy;

namespace Oracle.Core.Tests.Policy;

public sealed class PolicyDecisionTests
{
    [Theory]
    [InlineData(7u, "rule 7")]
    [InlineData(PolicyDecision.NoRuleId, "no rule")]
    [InlineData(PolicyDecision.ProviderGuardRuleId, "the provider-network guard (rule 4294967294)")]
    [InlineData(PolicyDecision.DefaultRuleId, "the policy's default action (rule 4294967295)")]
    public void Describe_RuleId_ReservedIdsByName(uint ruleId, string expected)
        => Assert.Equal(expected, PolicyDecision.Describe(ruleId));
}
