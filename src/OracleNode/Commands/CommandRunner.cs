using Oracle.Chain.Errors;
using Oracle.Hosting;

namespace OracleNode.Commands;

/// <summary>
/// Runs a command's body and turns every expected failure (a wrong setting or amount, a keystore that does not open, a
/// chain that does not answer, a transaction the contract refuses) into one line on standard error and exit code 2,
/// as the service's start does (<see cref="StartupErrors"/>).
/// </summary>
internal static class CommandRunner
{
    public const string Name = "oracle-node";

    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (CommandException e)
        {
            return Fail(e.Message);
        }
        catch (ContractRevertedException e)
        {
            return Fail($"the contract refused the transaction: {e.Error}");
        }
        catch (Exception e) when (StartupErrors.IsOperatorError(e))
        {
            return StartupErrors.Report(Name, e);
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            return Fail($"the chain node does not answer: {e.GetBaseException().Message}");
        }
    }

    private static bool IsUnreachable(Exception e) => e is HttpRequestException or TimeoutException
        or Nethereum.JsonRpc.Client.RpcClientUnknownException or Nethereum.JsonRpc.Client.RpcClientTimeoutException
        || e.InnerException is { } inner && IsUnreachable(inner);

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"{Name}: {message}");
        return StartupErrors.ExitCode;
    }
}
