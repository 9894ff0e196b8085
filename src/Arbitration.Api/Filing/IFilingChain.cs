using System.Numerics;
using Oracle.Chain.Contracts;
using Oracle.Chain.Sessions;

namespace Arbitration.Api.Filing;

/// <summary>What filing checks read from the chain at the moment of filing (the read model may lag the chain by a block).</summary>
internal interface IFilingChain
{
    /// <summary>The latest block's timestamp: the clock deadlines and windows are judged by.</summary>
    Task<ulong> LatestBlockTimeAsync(CancellationToken cancellationToken);

    /// <summary><c>DisputeManager.nonces(filer)</c>.</summary>
    Task<BigInteger> FilingNonceAsync(string filer, CancellationToken cancellationToken);

    /// <summary><c>SessionManager.sessionState(id)</c>.</summary>
    Task<SessionState> SessionStateAsync(ulong sessionId, CancellationToken cancellationToken);

    /// <summary>The session's terms and panel from its <c>SessionOpened</c> event, or null (when the read model does not have it yet).</summary>
    Task<SessionRecord?> FindSessionAsync(ulong sessionId, CancellationToken cancellationToken);

    /// <summary>The filer's VPN balance and allowance to the DisputeManager.</summary>
    Task<(BigInteger Balance, BigInteger Allowance)> FundsAsync(string owner, CancellationToken cancellationToken);

    /// <summary>The current gas price (wei), for reserving against the relayer's limits.</summary>
    Task<BigInteger> GasPriceAsync(CancellationToken cancellationToken);

    /// <summary>The relayer's ETH balance (wei).</summary>
    Task<BigInteger> BalanceOfAsync(string address, CancellationToken cancellationToken);

    /// <summary>The contracts' parameters the filing checks need: fee per seat, stake per round, the longest session and the dispute window.</summary>
    Task<(BigInteger FeePerSeat, BigInteger StakePerRound, ulong MaxSessionDuration, ulong DisputeWindow)> ParametersAsync(CancellationToken cancellationToken);
}
