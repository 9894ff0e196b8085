using Oracle.Chain.Errors;

namespace Oracle.Actions;

/// <summary>Why an action failed, in one line a person can act on.</summary>
/// <param name="Kind">The kind of failure.</param>
/// <param name="Message">One line: what went wrong and, where it helps, what to do.</param>
/// <param name="Revert">The decoded custom error, when the chain reverted.</param>
public sealed record ActionError(ActionErrorKind Kind, string Message, ContractError? Revert = null)
{
    /// <inheritdoc />
    public override string ToString() => Message;
}
