using System.CommandLine;
using Oracle.Chain.Contracts.OracleRegistry;
using Oracle.Chain.Transactions;

namespace OracleNode.Commands;

/// <summary><c>oracle-node unstake &lt;amount|all&gt;</c>: start unbonding part of the free stake.</summary>
internal static class UnstakeCommand
{
    public static Command Create()
    {
        var amount = new Argument<string>("amount") { Description = "VPN to unstake, with decimals, or 'all' (the free stake; locked stake waits for its disputes)" };
        var command = new Command("unstake", "Request unstaking; the tokens can be withdrawn after the registry's unbonding delay") { amount };
        command.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            var context = await CommandContext.OpenAsync(result.GetValue(CommonOptions.Config), withStore: false, ct);
            var c = context.Contracts;
            var info = (await c.Oracles.OracleInfoQueryAsync(c.Sender.Address, null, ct)).Info;
            var free = info.Stake - info.Locked;
            var text = result.GetValue(amount);
            System.Numerics.BigInteger units;
            if (string.Equals(text, "all", StringComparison.OrdinalIgnoreCase))
            {
                units = free;
            }
            else if (!VpnAmount.TryParse(text, out units, out var error))
            {
                throw new CommandException(error);
            }

            if (units <= 0)
            {
                throw new CommandException($"nothing to unstake: stake {VpnAmount.Format(info.Stake)} VPN, of which {VpnAmount.Format(info.Locked)} locked by disputes");
            }

            if (units > free)
            {
                throw new CommandException($"only {VpnAmount.Format(free)} VPN of the stake is free ({VpnAmount.Format(info.Locked)} is locked by disputes until they settle)");
            }

            var minimum = await c.Oracles.MinStakeQueryAsync(null, ct);
            var rest = info.Stake - units;
            if (rest != 0 && rest < minimum)
            {
                throw new CommandException($"{VpnAmount.Format(rest)} VPN would remain staked, below the minimum of {VpnAmount.Format(minimum)}: unstake all or at most {VpnAmount.Format(info.Stake - minimum)}");
            }

            var sent = await c.Sender.TrySendAsync(c.OracleRegistryAddress, new RequestUnstakeFunction { Amount = units }, ct);
            if (!sent.IsSuccess)
            {
                throw new CommandException($"the OracleRegistry refused: {sent.Error}");
            }

            var after = (await c.Oracles.OracleInfoQueryAsync(c.Sender.Address, null, ct)).Info;
            var at = DateTimeOffset.FromUnixTimeSeconds((long)after.UnstakableAt);
            Console.WriteLine($"unstaking {VpnAmount.Format(after.Unstaking)} VPN, withdrawable from {at:u} (oracle-node withdraw); stake now {VpnAmount.Format(after.Stake)} VPN");
            if (rest == 0)
            {
                Console.Error.WriteLine("the stake is now zero: the node is no longer drawn and cannot report prices");
            }

            return 0;
        }));
        return command;
    }
}
