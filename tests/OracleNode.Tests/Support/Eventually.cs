namespace OracleNode.Tests.Support;

/// <summary>Waits for a condition the nodes bring about, with a bound and a message naming what did not happen.</summary>
internal static class Eventually
{
    public static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not within {timeout.TotalSeconds:0} s: {what()}");
            }

            await Task.Delay(250);
        }
    }
}
