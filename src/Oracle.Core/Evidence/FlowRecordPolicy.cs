using Oracle.Core.Policy;

namespace Oracle.Core.Evidence;

/// <summary>
/// A flow record judged by the session's policy, as an oracle (or the session's client) does it: the record's packet
/// tuple (<see cref="FlowRecord.ToPacketTuple"/>) and direction evaluated with the reference <see cref="PolicyEvaluator"/>
/// under the context the provider declared (docs/protocol.md §6.3). The gateway decided each packet with
/// <see cref="CompiledPolicy"/>; a property test (tests/VpnGateway.Tests, <c>PolicyEvidenceAgreementTests</c>) feeds
/// random packets through the gateway's policy and metering and checks that this gives every record the verdict and
/// rule id its packets got.
/// </summary>
public static class FlowRecordPolicy
{
    /// <summary>The policy's decision for the packets of <paramref name="record"/>.</summary>
    /// <param name="record">A decoded record.</param>
    /// <param name="document">The session's policy (its hash is the session's <c>policyHash</c>).</param>
    /// <param name="context">The provider's protected networks as it declared them (SessionInfo, §4.8).</param>
    public static PolicyDecision Evaluate(in FlowRecord record, PolicyDocument document, PolicyContext context)
    {
        var tuple = record.ToPacketTuple();
        return PolicyEvaluator.Evaluate(document, context, tuple, record.Direction);
    }

    /// <summary>
    /// Whether the record's verdict and rule id are the policy's: an allowed record must be allowed (rule id 0), a
    /// denied one denied by the rule it names.
    /// </summary>
    /// <param name="record">A decoded record.</param>
    /// <param name="document">The session's policy.</param>
    /// <param name="context">The provider's declared context.</param>
    /// <param name="expected">The policy's decision, for the report when they disagree.</param>
    public static bool Agrees(in FlowRecord record, PolicyDocument document, PolicyContext context, out PolicyDecision expected)
    {
        expected = Evaluate(record, document, context);
        return record.Verdict == FlowVerdict.Allowed
            ? expected.IsAllowed
            : !expected.IsAllowed && expected.RuleId == record.RuleId;
    }
}
