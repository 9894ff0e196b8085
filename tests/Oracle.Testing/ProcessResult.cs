namespace Oracle.Testing;

/// <summary>What a command printed and how it ended.</summary>
public sealed record ProcessResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Throws with the command's output unless it exited with 0.</summary>
    public ProcessResult EnsureSuccess()
        => ExitCode == 0 ? this : throw new InvalidOperationException($"`{Command}` exited with {ExitCode}:\n{StandardOutput}\n{StandardError}");
}
