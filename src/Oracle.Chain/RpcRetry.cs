using Microsoft.Extensions.Logging;
using Oracle.Chain.Errors;

namespace Oracle.Chain;

/// <summary>
/// Retries one JSON-RPC request while it fails transiently (<see cref="ChainErrors.IsTransient"/>), with exponential
/// back-off; any other failure, and the last transient one, goes to the caller.
/// </summary>
/// <param name="maxAttempts">Attempts, the first included.</param>
/// <param name="firstDelay">The wait before the first retry (doubles each time).</param>
/// <param name="maxDelay">The longest wait.</param>
/// <param name="time">The clock the waits use.</param>
/// <param name="logger">Where retries are reported.</param>
internal sealed class RpcRetry(int maxAttempts, TimeSpan firstDelay, TimeSpan maxDelay, TimeProvider time, ILogger logger)
{
    /// <summary>Runs <paramref name="call"/> (which must not have side effects a retry would repeat harmfully).</summary>
    /// <param name="what">The request, for the log (<c>eth_getLogs 100..200</c>).</param>
    /// <param name="call">The request.</param>
    /// <param name="cancellationToken">Cancels the request and the waits.</param>
    public async Task<T> RunAsync<T>(string what, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        var delay = firstDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (attempt < maxAttempts && !cancellationToken.IsCancellationRequested && ChainErrors.IsTransient(e))
            {
                logger.LogWarning("{Request} failed transiently ({Error}); attempt {Attempt} of {MaxAttempts} in {Delay} ms",
                    what, e.GetBaseException().Message, attempt + 1, maxAttempts, (int)delay.TotalMilliseconds);
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                delay = delay * 2 > maxDelay ? maxDelay : delay * 2;
            }
        }
    }
}
