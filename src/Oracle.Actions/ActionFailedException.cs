namespace Oracle.Actions;

/// <summary>
/// An action failed: thrown inside an action to stop it with an <see cref="ActionError"/> (the public entry points turn
/// it back into a failed <see cref="ActionResult{T}"/>), and by <see cref="ActionResult{T}.GetValueOrThrow"/> for
/// callers that treat every failure as fatal (a scenario step).
/// </summary>
public sealed class ActionFailedException : Exception
{
    /// <summary>Wraps <paramref name="error"/>.</summary>
    public ActionFailedException(ActionError error)
        : base((error ?? throw new ArgumentNullException(nameof(error))).Message)
    {
        Error = error;
    }

    /// <summary>The failure.</summary>
    public ActionError Error { get; }

    internal static ActionFailedException InvalidInput(string message) => new(new ActionError(ActionErrorKind.InvalidInput, message));

    internal static ActionFailedException NotFound(string message) => new(new ActionError(ActionErrorKind.NotFound, message));

    internal static ActionFailedException Refused(string message) => new(new ActionError(ActionErrorKind.Refused, message));
}
