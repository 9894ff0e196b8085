namespace Oracle.Core.Policy;

/// <summary>The verdict on one packet: allowed or denied, and by which rule.</summary>
/// <param name="Action">Allow or deny.</param>
/// <param name="RuleId">The deciding rule: a document rule id, <see cref="ProviderGuardRuleId"/> or <see cref="DefaultRuleId"/>.</param>
public readonly record struct PolicyDecision(PolicyAction Action, uint RuleId)
{
    /// <summary>"No rule": what flow records carry for an allowed flow; never a document rule id.</summary>
    public const uint NoRuleId = 0;

    /// <summary>The implicit first rule: the provider's own networks are denied unless the document exports them.</summary>
    public const uint ProviderGuardRuleId = uint.MaxValue - 1;

    /// <summary>The implicit last rule: the document's default action.</summary>
    public const uint DefaultRuleId = uint.MaxValue;

    /// <summary>
    /// How a person reads a rule id: <c>rule 7</c> for a document rule, and the implicit rules by what they are (the
    /// reserved ids mean nothing to someone reading a dispute or a summary).
    /// </summary>
    /// <param name="ruleId">A rule id from a flow record, a claim or a decision.</param>
    /// <returns>For example <c>rule 7</c>, <c>the provider-network guard (rule 4294967294)</c>.</returns>
    public static string Describe(uint ruleId) => ruleId switch
    {
        NoRuleId => "no rule",
        ProviderGuardRuleId => $"the provider-network guard (rule {ProviderGuardRuleId})",
        DefaultRuleId => $"the policy's default action (rule {DefaultRuleId})",
        _ => $"rule {ruleId}",
    };

    /// <summary>Whether the packet passes.</summary>
    public bool IsAllowed => Action == PolicyAction.Allow;
}
