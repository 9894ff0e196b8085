using Microsoft.Extensions.Logging;
using Oracle.Actions;
using Oracle.Actions.Sessions;
using Oracle.Actions.Units;
using Oracle.Chain;
using Oracle.Chain.Transactions;

namespace VpnGateway.Hosting;

/// <summary>
/// <c>vpngateway connect</c> with <c>Connect:Deposit</c>: opens the session on-chain with the client's key before
/// connecting (the same action as <c>oracle session open</c>), so a client needs one command to get online.
/// </summary>
internal sealed class ClientSessionOpener
{
    private ClientSessionOpener()
    {
    }

    /// <summary>Opens the session <paramref name="connect"/> describes and returns its id.</summary>
    /// <exception cref="InvalidOperationException">No chain, no key, or the chain refused (the message says why).</exception>
    public static async Task<ulong> OpenAsync(ConnectSettings connect, ChainContext? chain, ITransactionSender? sender, ILogger logger, CancellationToken cancellationToken)
    {
        if (chain is null || sender is null)
        {
            throw new InvalidOperationException("Connect:Deposit opens a session on-chain: set Chain:RpcUrl, Chain:Manifest and Chain:Keystore (the client's key)");
        }

        var progress = new LoggingProgress(logger);
        var request = new OpenSessionRequest(
            connect.Provider!,
            Asset.Vpn.Parse(connect.Deposit!, "Connect:Deposit"),
            connect.Penalty is null ? null : Asset.Vpn.Parse(connect.Penalty, "Connect:Penalty"),
            connect.CommitteeSize);
        var opened = await SessionActions.OpenAsync(ActionContext.Create(chain, sender, progress), request, cancellationToken).ConfigureAwait(false);
        if (!opened.IsSuccess)
        {
            throw new InvalidOperationException($"opening a session with {connect.Provider}: {opened.Error.Message}");
        }

        var session = opened.Value.Session;
        logger.LogInformation("opened session {SessionId} with provider {Provider}: deposit {Deposit}, {Price} per MiB, penalty {Penalty} (tx {Transaction})",
            session.SessionId, session.Provider, session.Deposit, session.PricePerMiB, session.Penalty, opened.Value.TransactionHash);
        return session.SessionId;
    }

    private sealed class LoggingProgress(ILogger logger) : IActionProgress
    {
        public void Info(string message) => logger.LogInformation("{Step}", message);

        public void TransactionStarted(string description) => logger.LogInformation("{Transaction}: waiting for confirmation", description);

        public void TransactionFinished(string description, Nethereum.RPC.Eth.DTOs.TransactionReceipt? receipt)
        {
            if (receipt is not null)
            {
                logger.LogInformation("{Transaction}: confirmed in block {Block}", description, receipt.BlockNumber.Value);
            }
        }
    }
}
