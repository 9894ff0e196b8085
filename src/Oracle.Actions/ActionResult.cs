using System.Diagnostics.CodeAnalysis;

namespace Oracle.Actions;

/// <summary>The outcome of an action: its value, or why it failed (an expected failure is a value, not an exception).</summary>
/// <typeparam name="T">The value of a successful action.</typeparam>
public readonly record struct ActionResult<T>
{
    private ActionResult(T? value, ActionError? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The value, when the action succeeded.</summary>
    public T? Value { get; }

    /// <summary>Why it failed.</summary>
    public ActionError? Error { get; }

    /// <summary>Whether the action succeeded.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    /// <summary>A success.</summary>
    public static ActionResult<T> Success(T value) => new(value, null);

    /// <summary>A failure.</summary>
    public static ActionResult<T> Failure(ActionError error) => new(default, error ?? throw new ArgumentNullException(nameof(error)));

    /// <summary>The value, or an <see cref="ActionFailedException"/> carrying the error.</summary>
    /// <exception cref="ActionFailedException">The action failed.</exception>
    public T GetValueOrThrow() => IsSuccess ? Value : throw new ActionFailedException(Error);

    /// <summary>Converts a value into a success.</summary>
    public static implicit operator ActionResult<T>(T value) => Success(value);

    /// <summary>Converts an error into a failure.</summary>
    public static implicit operator ActionResult<T>(ActionError error) => Failure(error);
}
