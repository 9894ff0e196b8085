using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Oracle.Chain.Contracts.DisputeManager;
using OracleNode.Commands;
using OracleNode.Storage;
using Oracle.Chain.Transactions;

namespace OracleNode.Hosting;

/// <summary>
/// Watches the node's own account: stake, locked stake, unstaking and credited tokens as metrics; a warning when the
/// node is not an oracle (it cannot be drawn or report) and when unstaked tokens become withdrawable; withdraws credited
/// tokens when <see cref="KeeperOptions.WithdrawCredits"/> is set.
/// </summary>
internal sealed class AccountMonitor(NodeChain chain, INodeStore store, ChainClock clock, NodeMetrics metrics, IOptions<KeeperOptions> keeper, ILogger<AccountMonitor> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CheckAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                metrics.Errors.Add(1, new KeyValuePair<string, object?>("duty", "account"));
                logger.LogWarning("account check failed: {Error}", e.GetBaseException().Message);
            }

            await Task.Delay(Interval, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        var (now, _) = await clock.NowAsync(cancellationToken).ConfigureAwait(false);
        var info = (await chain.Oracles.OracleInfoQueryAsync(chain.Me, null, cancellationToken).ConfigureAwait(false)).Info;
        var claimable = await chain.Disputes.ClaimableQueryAsync(chain.Me, null, cancellationToken).ConfigureAwait(false);
        var unstakableIn = info.Unstaking == 0 ? -1 : Math.Max(0, (double)info.UnstakableAt - now);
        metrics.SetAccount(VpnAmount.ToDouble(info.Stake), VpnAmount.ToDouble(info.Locked), VpnAmount.ToDouble(info.Unstaking), unstakableIn, VpnAmount.ToDouble(claimable));
        var minimum = (await chain.ParametersAsync(cancellationToken).ConfigureAwait(false)).MinStake;
        if (info.Stake < minimum && await store.AlertAsync("not-an-oracle", null, null, $"the stake is {VpnAmount.Format(info.Stake)} VPN, below the minimum {VpnAmount.Format(minimum)}: the node is not drawn and cannot report prices (oracle-node stake)", now, cancellationToken).ConfigureAwait(false))
        {
            logger.LogWarning("the node's stake {Stake} VPN is below the minimum {Minimum}: it is not drawn and cannot report prices", VpnAmount.Format(info.Stake), VpnAmount.Format(minimum));
        }

        if (info.Unstaking > 0 && now >= info.UnstakableAt
            && await store.AlertAsync($"unstaked-{info.UnstakableAt}", null, null, $"{VpnAmount.Format(info.Unstaking)} VPN finished unbonding: oracle-node withdraw", now, cancellationToken).ConfigureAwait(false))
        {
            logger.LogWarning("{Amount} VPN finished unbonding and can be withdrawn (oracle-node withdraw)", VpnAmount.Format(info.Unstaking));
        }

        if (keeper.Value.WithdrawCredits && claimable > 0)
        {
            var sent = await chain.Sender.TrySendAsync(chain.DisputeManagerAddress, new WithdrawFunction(), cancellationToken).ConfigureAwait(false);
            await store.RecordActionAsync("withdraw", null, null, sent.IsSuccess ? $"withdrew {VpnAmount.Format(claimable)} VPN" : "reverted " + sent.Error.Name, sent.TransactionHash, now, cancellationToken).ConfigureAwait(false);
        }
    }
}
