using System.CommandLine;
using Oracle.Chain.Contracts.OracleRegistry;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Transactions;

namespace OracleNode.Commands;

/// <summary><c>oracle-node stake &lt;amount&gt;</c>: stake VPN in the OracleRegistry (approving the registry first).</summary>
internal static class StakeCommand
{
    public static Command Create()
    {
        var amount = new Argument<string>("amount") { Description = "VPN to add to the stake, with decimals (for example 1000 or 1500.5)" };
        var command = new Command("stake", "Stake VPN tokens so the node can be drawn for disputes and report prices") { amount };
        command.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            if (!VpnAmount.TryParse(result.GetValue(amount), out var units, out var error))
            {
                throw new CommandException(error);
            }

            var context = await CommandContext.OpenAsync(result.GetValue(CommonOptions.Config), withStore: false, ct);
            var c = context.Contracts;
            var balance = await c.Token.BalanceOfQueryAsync(c.Sender.Address, null, ct);
            if (balance < units)
            {
                throw new CommandException($"{c.Sender.Address} holds {VpnAmount.Format(balance)} VPN, less than {VpnAmount.Format(units)}: buy VPN at the exchange first");
            }

            var info = (await c.Oracles.OracleInfoQueryAsync(c.Sender.Address, null, ct)).Info;
            var minimum = await c.Oracles.MinStakeQueryAsync(null, ct);
            if (info.Stake + units < minimum)
            {
                throw new CommandException($"the stake would be {VpnAmount.Format(info.Stake + units)} VPN, below the minimum of {VpnAmount.Format(minimum)}");
            }

            var allowance = await c.Token.AllowanceQueryAsync(c.Sender.Address, c.OracleRegistryAddress, null, ct);
            if (allowance < units)
            {
                var approve = await c.Sender.TrySendAsync(c.Token.Address, new ApproveFunction { Spender = c.OracleRegistryAddress, Value = units }, ct);
                if (!approve.IsSuccess)
                {
                    throw new CommandException($"approving the OracleRegistry failed: {approve.Error}");
                }
            }

            var staked = await c.Sender.TrySendAsync(c.OracleRegistryAddress, new StakeFunction { Amount = units }, ct);
            if (!staked.IsSuccess)
            {
                throw new CommandException($"the OracleRegistry refused the stake: {staked.Error}");
            }

            var after = (await c.Oracles.OracleInfoQueryAsync(c.Sender.Address, null, ct)).Info;
            Console.WriteLine($"staked {VpnAmount.Format(units)} VPN: stake {VpnAmount.Format(after.Stake)} VPN ({VpnAmount.Format(after.Locked)} locked) — transaction {staked.TransactionHash}");
            return 0;
        }));
        return command;
    }
}
