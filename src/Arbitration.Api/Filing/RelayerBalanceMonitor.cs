using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Arbitration.Api.Filing;

/// <summary>
/// Watches the relayer's ETH balance: below <see cref="RelayerOptions.MinimumBalanceWei"/> it logs a warning, sets the
/// metric <c>oracle_arbitration_relayer_balance_low</c> and reports the <c>relayer</c> health check as degraded, so an
/// operator tops it up before filings start failing.
/// </summary>
internal sealed class RelayerBalanceMonitor(IFilingChain chain, IRelaySender sender, ArbitrationMetrics metrics, IOptions<RelayerOptions> options,
    TimeProvider time, ILogger<RelayerBalanceMonitor> logger) : BackgroundService, IHealthCheck
{
    private BigInteger? _balance;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var minimum = BigInteger.Parse(options.Value.MinimumBalanceWei, CultureInfo.InvariantCulture);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var balance = await chain.BalanceOfAsync(sender.Address, stoppingToken);
                var low = balance < minimum;
                if (low && (_balance is null || _balance >= minimum))
                {
                    logger.LogWarning("the relayer {Relayer} holds {Balance} wei, below Relayer:MinimumBalanceWei {Minimum}: top it up, or filings will fail", sender.Address, balance, minimum);
                }

                _balance = balance;
                metrics.RelayerBalanceWei = (double)balance;
                metrics.RelayerBalanceLow = low;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("reading the relayer's balance failed: {Error}", e.GetBaseException().Message);
            }

            await Task.Delay(options.Value.BalanceCheckInterval, time, stoppingToken);
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(_balance is { } balance && balance < BigInteger.Parse(options.Value.MinimumBalanceWei, CultureInfo.InvariantCulture)
            ? HealthCheckResult.Degraded($"the relayer {sender.Address} holds {balance} wei, below Relayer:MinimumBalanceWei")
            : HealthCheckResult.Healthy(_balance is { } b ? $"the relayer holds {b} wei" : "balance not read yet"));
}
