namespace Oracle.Devnet.Scenario;

/// <summary>A step of the main job failed: which, why, and where every component's log was kept.</summary>
public sealed class MainJobFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MainJobFailedException(int step, string title, Exception cause, string logs)
        : base($"step {step} ({title}) failed: {cause.Message}", cause)
    {
        Step = step;
        Title = title;
        LogsDirectory = logs;
    }

    /// <summary>The step's number.</summary>
    public int Step { get; }

    /// <summary>The step's title.</summary>
    public string Title { get; }

    /// <summary>The folder holding every component's log.</summary>
    public string LogsDirectory { get; }
}
