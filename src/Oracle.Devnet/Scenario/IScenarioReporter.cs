namespace Oracle.Devnet.Scenario;

/// <summary>Where the main job reports its progress: each step as it starts and ends, details in between.</summary>
public interface IScenarioReporter
{
    /// <summary>Step <paramref name="number"/> of <paramref name="count"/> starts.</summary>
    void StepStarted(int number, int count, string title);

    /// <summary>A line about the running step.</summary>
    void Detail(string line);

    /// <summary>The running step is done.</summary>
    void StepFinished(TimeSpan elapsed);
}
