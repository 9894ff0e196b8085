using Microsoft.Extensions.Diagnostics.HealthChecks;
using Oracle.Chain;

namespace Oracle.Hosting;

/// <summary>Healthy while the node answers with the chain id the service started on.</summary>
internal sealed class ChainHealthCheck(ChainContext chain) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var chainId = await ChainConnection.GetChainIdAsync(chain.RpcUrl!, cancellationToken).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return chainId == chain.ChainId
                ? HealthCheckResult.Healthy($"chain {chainId}")
                : HealthCheckResult.Unhealthy($"the node now reports chain {chainId}, the service started on {chain.ChainId}");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"chain node {chain.RpcUrl} unreachable: {e.Message}");
        }
    }
}
