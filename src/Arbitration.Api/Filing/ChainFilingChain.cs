using System.Numerics;
using Nethereum.RPC.Eth.DTOs;
using Oracle.Chain;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Deployment;
using Oracle.Chain.Sessions;

namespace Arbitration.Api.Filing;

/// <summary>The filing checks' chain reads, through the service's <see cref="ChainContext"/>.</summary>
internal sealed class ChainFilingChain(ChainContext chain) : IFilingChain
{
    private readonly DisputeManagerService _disputes = new(chain.Web3, chain.AddressOf(ContractNames.DisputeManager));
    private readonly SessionManagerService _sessions = new(chain.Web3, chain.AddressOf(ContractNames.SessionManager));
    private readonly VpnTokenService _token = new(chain.Web3, chain.AddressOf(ContractNames.VpnToken));
    private (BigInteger, BigInteger, ulong, ulong)? _parameters;

    public async Task<ulong> LatestBlockTimeAsync(CancellationToken cancellationToken)
    {
        var block = await chain.Web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(BlockParameter.CreateLatest()).WaitAsync(cancellationToken);
        return (ulong)block.Timestamp.Value;
    }

    public Task<BigInteger> FilingNonceAsync(string filer, CancellationToken cancellationToken)
        => _disputes.NoncesQueryAsync(filer, null, cancellationToken);

    public async Task<SessionState> SessionStateAsync(ulong sessionId, CancellationToken cancellationToken)
        => (await _sessions.SessionStateQueryAsync(sessionId, null, cancellationToken)).State;

    public async Task<SessionRecord?> FindSessionAsync(ulong sessionId, CancellationToken cancellationToken)
        => (await new SessionReader(chain.Web3, chain.AddressOf(ContractNames.SessionManager), chain.DeploymentBlock(ContractNames.SessionManager))
            .FindAsync(sessionId, cancellationToken))?.Record;

    public async Task<(BigInteger Balance, BigInteger Allowance)> FundsAsync(string owner, CancellationToken cancellationToken)
        => (await _token.BalanceOfQueryAsync(owner, null, cancellationToken),
            await _token.AllowanceQueryAsync(owner, chain.AddressOf(ContractNames.DisputeManager), null, cancellationToken));

    public async Task<BigInteger> GasPriceAsync(CancellationToken cancellationToken)
        => (await chain.Web3.Eth.GasPrice.SendRequestAsync().WaitAsync(cancellationToken)).Value;

    public async Task<BigInteger> BalanceOfAsync(string address, CancellationToken cancellationToken)
        => (await chain.Web3.Eth.GetBalance.SendRequestAsync(address).WaitAsync(cancellationToken)).Value;

    public async Task<(BigInteger FeePerSeat, BigInteger StakePerRound, ulong MaxSessionDuration, ulong DisputeWindow)> ParametersAsync(CancellationToken cancellationToken)
        => _parameters ??= (
            await _disputes.FeePerSeatQueryAsync(null, cancellationToken),
            await _disputes.StakePerRoundQueryAsync(null, cancellationToken),
            await _sessions.MaxSessionDurationQueryAsync(null, cancellationToken),
            await _sessions.DisputeWindowQueryAsync(null, cancellationToken));
}
