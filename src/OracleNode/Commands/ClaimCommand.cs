using System.CommandLine;
using System.Numerics;
using Oracle.Chain.Contracts.DisputeManager;
using OracleNode.Keeping;
using Oracle.Chain.Transactions;

namespace OracleNode.Commands;

/// <summary>
/// <c>oracle-node claim</c>: take every juror reward the node is owed (settling rounds first where needed) and withdraw
/// what the DisputeManager credited it. The running node does the first part by itself (<c>Keeper:ClaimRewards</c>).
/// </summary>
internal static class ClaimCommand
{
    public static Command Create()
    {
        var noWithdraw = new Option<bool>("--no-withdraw") { Description = "Claim rewards only; leave credited tokens in the DisputeManager" };
        var command = new Command("claim", "Claim juror rewards (claimReward) and withdraw credited tokens (withdraw)") { noWithdraw };
        command.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            var context = await CommandContext.OpenAsync(result.GetValue(CommonOptions.Config), withStore: true, ct);
            var c = context.Contracts;
            var store = context.Store!;
            var block = await context.Chain.Web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(Nethereum.RPC.Eth.DTOs.BlockParameter.CreateLatest());
            var now = (ulong)block.Timestamp.Value;
            var claimed = BigInteger.Zero;
            var rounds = 0;
            var failures = new List<string>();
            foreach (var dispute in await store.DisputesAsync(int.MaxValue, ct))
            {
                foreach (var committee in await store.CommitteesAsync(dispute.Id, ct))
                {
                    if (committee.SeatsOf(c.Me) == 0)
                    {
                        continue;
                    }

                    var (outcome, amount, last) = await RewardClaim.RunAsync(c, dispute.Id, dispute.Decode(), committee, now, ct);
                    if (outcome == RewardClaim.Outcome.Claimed)
                    {
                        claimed += amount;
                        rounds++;
                        Console.WriteLine($"dispute {dispute.Id} round {committee.Round}: reward {VpnAmount.Format(amount)} VPN");
                    }
                    else if (outcome == RewardClaim.Outcome.Failed)
                    {
                        failures.Add($"dispute {dispute.Id} round {committee.Round}: {last?.Error}");
                    }
                }
            }

            Console.WriteLine($"claimed {VpnAmount.Format(claimed)} VPN in {rounds} round(s)");
            if (!result.GetValue(noWithdraw))
            {
                var credited = await c.Disputes.ClaimableQueryAsync(c.Sender.Address, null, ct);
                if (credited > 0)
                {
                    var sent = await c.Sender.TrySendAsync(c.DisputeManagerAddress, new WithdrawFunction(), ct);
                    if (!sent.IsSuccess)
                    {
                        throw new CommandException($"withdrawing the {VpnAmount.Format(credited)} VPN credited failed: {sent.Error}");
                    }

                    Console.WriteLine($"withdrew {VpnAmount.Format(credited)} VPN credited by the DisputeManager — transaction {sent.TransactionHash}");
                }
            }

            if (failures.Count > 0)
            {
                throw new CommandException($"{failures.Count} reward(s) could not be claimed yet: {string.Join("; ", failures)}");
            }

            return 0;
        }));
        return command;
    }
}
