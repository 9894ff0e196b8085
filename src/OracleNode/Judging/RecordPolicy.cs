using Oracle.Core.Evidence;
using Oracle.Core.Policy;

namespace OracleNode.Judging;

/// <summary>
/// <c>evaluate(r)</c> of docs/protocol.md §8.3: the session policy's rules and default applied to a flow record's packet
/// tuple, without the provider guard (its protected networks are the provider's own declaration), with Core's
/// reference <see cref="PolicyEvaluator"/>.
/// </summary>
internal static class RecordPolicy
{
    /// <summary>The policy's decision for the packets of <paramref name="record"/>.</summary>
    public static PolicyDecision Evaluate(in FlowRecord record, PolicyDocument policy)
        => PolicyEvaluator.Evaluate(policy, PolicyContext.Empty, record.ToPacketTuple(), record.Direction);

    /// <summary>
    /// <see cref="Evaluate"/>, or false with the reason when the record's fields cannot form a packet tuple (a record
    /// that decodes but the evaluator refuses is not proven to breach anything; it never stops the judgment).
    /// </summary>
    public static bool TryEvaluate(in FlowRecord record, PolicyDocument policy, out PolicyDecision decision, out string? problem)
    {
        try
        {
            decision = Evaluate(record, policy);
            problem = null;
            return true;
        }
        catch (ArgumentException e)
        {
            decision = default;
            problem = e.Message;
            return false;
        }
    }
}
