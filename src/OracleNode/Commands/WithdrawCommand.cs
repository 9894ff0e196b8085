using System.CommandLine;
using Oracle.Chain.Contracts.OracleRegistry;
using Oracle.Chain.Transactions;

namespace OracleNode.Commands;

/// <summary><c>oracle-node withdraw</c>: take unstaked tokens out of the registry once the unbonding delay has passed.</summary>
internal static class WithdrawCommand
{
    public static Command Create()
    {
        var command = new Command("withdraw", "Withdraw unstaked tokens whose unbonding delay has passed");
        command.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            var context = await CommandContext.OpenAsync(result.GetValue(CommonOptions.Config), withStore: false, ct);
            var c = context.Contracts;
            var info = (await c.Oracles.OracleInfoQueryAsync(c.Sender.Address, null, ct)).Info;
            if (info.Unstaking == 0)
            {
                throw new CommandException("nothing is unstaking: run oracle-node unstake first");
            }

            var block = await context.Chain.Web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(Nethereum.RPC.Eth.DTOs.BlockParameter.CreateLatest());
            if ((ulong)block.Timestamp.Value < info.UnstakableAt)
            {
                var wait = TimeSpan.FromSeconds(info.UnstakableAt - (ulong)block.Timestamp.Value);
                throw new CommandException($"{VpnAmount.Format(info.Unstaking)} VPN become withdrawable at {DateTimeOffset.FromUnixTimeSeconds((long)info.UnstakableAt):u}, in {wait}");
            }

            var sent = await c.Sender.TrySendAsync(c.OracleRegistryAddress, new WithdrawFunction(), ct);
            if (!sent.IsSuccess)
            {
                throw new CommandException($"the OracleRegistry refused: {sent.Error}");
            }

            Console.WriteLine($"withdrew {VpnAmount.Format(info.Unstaking)} VPN — transaction {sent.TransactionHash}");
            return 0;
        }));
        return command;
    }
}
