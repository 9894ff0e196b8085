namespace Oracle.Devnet.Scenario;

/// <summary>A step of the main job did not reach its outcome; the message says what was expected and what happened.</summary>
public sealed class ScenarioStepException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ScenarioStepException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public ScenarioStepException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
