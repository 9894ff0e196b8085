using System.Numerics;
using CsCheck;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Contracts.TokenExchange;
using Oracle.Chain.Deployment;
using Oracle.Chain.Model;
using Oracle.Contracts.Tests.Support;
using Oracle.Testing;
using SmSession = Oracle.Chain.Contracts.Session;

namespace Oracle.Contracts.Tests.Properties;

/// <summary>
/// Random sequences of trades, sessions, settlements, closes, stakes, unstakes, transfers and disputes: no token is
/// created or lost outside the exchange, and every contract holds exactly what its books say it owes.
/// </summary>
[Collection(ChainCollection.Name)]
public sealed class TokenConservation_Property(ChainFixture chain)
{
    private sealed record OpenSession(ulong Id, SmSession Terms, Actor Client);

    private sealed class World
    {
        public required TestNetwork Network { get; init; }
        public required List<Actor> Traders { get; init; }
        public required Actor Provider { get; init; }
        public required List<Actor> Oracles { get; init; }
        public List<OpenSession> Sessions { get; } = [];
        public BigInteger Minted { get; set; }
        public BigInteger Burned { get; set; }
        public BigInteger SupplyAtStart { get; set; }

        public IEnumerable<Actor> Holders => Traders.Append(Provider).Concat(Oracles).Concat(Network.PriceOracles).Append(Network.Deployer);
    }

    [Fact]
    public async Task RandomOperations_NoTokenCreatedOrLostOutsideTheExchange()
    {
        var ops = Gen.Select(Gen.Int[0, 10], Gen.Int[0, 3], Gen.Int[1, 90]).Array[6, 14];
        await ops.SampleAsync(RunAsync, iter: 20, threads: 1, print: s => string.Join(" ", s.Select(o => $"{o.Item1}/{o.Item2}/{o.Item3}")));
    }

    private async Task RunAsync((int Kind, int Who, int Amount)[] operations)
    {
        var network = await TestNetwork.DeployAsync(chain);
        var world = new World
        {
            Network = network,
            Traders = [await network.NewActorAsync(vpn: 500), await network.NewActorAsync(vpn: 500), await network.NewActorAsync(), await network.NewActorAsync(vpn: 100)],
            Provider = await network.NewProviderAsync(extraVpn: 500),
            Oracles = [await network.NewOracleAsync(1200), await network.NewOracleAsync(1500)],
        };
        world.SupplyAtStart = await network.Deployer.Token.TotalSupplyQueryAsync();
        foreach (var (kind, who, amount) in operations)
        {
            await ApplyAsync(world, kind, who, amount);
        }

        await CheckAsync(world);
    }

    private async Task ApplyAsync(World w, int kind, int who, int amount)
    {
        var n = w.Network;
        var trader = w.Traders[who];
        var balance = await trader.VpnBalanceAsync();
        var tokens = Vpn.Tokens(amount);
        switch (kind)
        {
            case 0:
                await n.EnsureFreshPricesAsync();
                Count(w, await trader.Exchange.BuyWithEthAsync(0, tokens / 10_000));
                break;
            case 1 when balance > 0:
                await n.EnsureFreshPricesAsync();
                var sell = BigInteger.Min(balance, tokens);
                await TestNetwork.ApproveAsync(trader, n.AddressOf(ContractNames.TokenExchange), sell);
                Count(w, await trader.Exchange.SellForEthAsync(sell, 0));
                break;
            case 2 when balance >= tokens:
                var (id, terms) = await Sessions.OpenAsync(n, trader, Sessions.Params(n, w.Provider, deposit: tokens, penalty: tokens / 2));
                w.Sessions.Add(new OpenSession(id, terms, trader));
                break;
            case 3 or 4 or 5 when w.Sessions.Count > 0:
                var s = w.Sessions[amount % w.Sessions.Count];
                var status = (SessionStatus)(await trader.Sessions.SessionStateQueryAsync(s.Id)).State.Status;
                if (status is not (SessionStatus.Open or SessionStatus.Closing))
                {
                    break;
                }

                var (v, sig) = Sessions.SignVoucher(n, s.Client, s.Id, s.Terms.Deposit * amount / 100);
                var attempt = kind switch
                {
                    3 => await w.Provider.Sessions.TrySendAsync(new Oracle.Chain.Contracts.SessionManager.SettleVoucherFunction { SessionId = s.Id, Session = s.Terms, Voucher = v, Signature = sig }),
                    4 => await w.Provider.Sessions.TrySendAsync(new Oracle.Chain.Contracts.SessionManager.CloseSessionFunction { SessionId = s.Id, Session = s.Terms, Voucher = v, Signature = sig }),
                    _ => await s.Client.Sessions.TrySendAsync(new Oracle.Chain.Contracts.SessionManager.StartCloseFunction { SessionId = s.Id, Session = s.Terms }),
                };
                // Some operations are refused in some states (a closing session after its window, say); a refusal
                // must move nothing, which the final check proves.
                Assert.True(attempt.IsSuccess || attempt.Error!.Name.StartsWith("Session", StringComparison.Ordinal), attempt.Error?.ToString());
                break;
            case 6:
                await chain.IncreaseTimeAsync(n.Parameters.ChallengeWindow);
                foreach (var s2 in w.Sessions)
                {
                    if ((SessionStatus)(await trader.Sessions.SessionStateQueryAsync(s2.Id)).State.Status == SessionStatus.Closing)
                    {
                        await trader.Sessions.TrySendAsync(new Oracle.Chain.Contracts.SessionManager.FinalizeCloseFunction { SessionId = s2.Id, Session = s2.Terms });
                    }
                }

                break;
            case 7 when balance > 0:
                await trader.Token.TransferAsync(w.Traders[(who + 1) % w.Traders.Count].Address, BigInteger.Min(balance, tokens));
                break;
            case 8:
                var funder = w.Traders[who];
                if (balance >= tokens)
                {
                    await TestNetwork.ApproveAsync(funder, n.AddressOf(ContractNames.OracleRegistry), tokens);
                    await funder.Oracles.StakeForAsync(w.Oracles[who % 2].Address, tokens);
                }

                break;
            case 9:
                var oracle = w.Oracles[who % 2];
                await oracle.Oracles.TrySendAsync(new Oracle.Chain.Contracts.OracleRegistry.RequestUnstakeFunction { Amount = tokens });
                break;
            case 10 when w.Sessions.Count > 0:
                await DisputeAsync(w, w.Sessions[amount % w.Sessions.Count]);
                break;
        }
    }

    /// A provider's claim nobody votes on: filed, drawn, rejected by default, executed, and the credits withdrawn.
    private async Task DisputeAsync(World w, OpenSession s)
    {
        var n = w.Network;
        var status = (SessionStatus)(await w.Provider.Sessions.SessionStateQueryAsync(s.Id)).State.Status;
        if (status is not (SessionStatus.Open or SessionStatus.Closing) || await w.Provider.VpnBalanceAsync() < Disputes.FilingCost(n, 5))
        {
            return;
        }

        var terms = Disputes.Terms(s.Terms);
        var (id, dispute) = await Disputes.FileAsync(n, w.Provider, Disputes.Claim(s.Id, ClaimType.ClientBreachedPolicy), terms);
        await chain.MineAsync();
        var drawnReceipt = await w.Provider.Disputes.DrawAsync(id, dispute);
        var drawn = drawnReceipt.DecodeAllEvents<CommitteeDrawnEvent>().SingleOrDefault()?.Event;
        if (drawn is null)
        {
            await chain.MineAsync();
            drawn = TestNetwork.Event<CommitteeDrawnEvent>(await w.Provider.Disputes.DrawAsync(id, dispute));
        }

        await chain.IncreaseTimeAsync(n.Parameters.CommitPeriod + n.Parameters.RevealPeriod + n.Parameters.AppealPeriod);
        await w.Provider.Disputes.ExecuteRulingAsync(id, dispute, terms);
        // Settling slashes the silent jurors into the round's pool, which goes to the winner (no coherent seat).
        await w.Provider.Disputes.SettleRoundAsync(id, 0, dispute, drawn.Committee);
        foreach (var party in new[] { s.Client, w.Provider })
        {
            if (await party.Disputes.ClaimableQueryAsync(party.Address) > 0)
            {
                await party.Disputes.WithdrawAsync();
            }
        }
    }

    private static void Count(World w, TransactionReceipt receipt)
    {
        foreach (var bought in receipt.DecodeAllEvents<VpnBoughtEvent>())
        {
            w.Minted += bought.Event.VpnOut;
        }

        foreach (var sold in receipt.DecodeAllEvents<VpnSoldEvent>())
        {
            w.Burned += sold.Event.VpnIn;
        }
    }

    private static async Task CheckAsync(World w)
    {
        var n = w.Network;
        var token = n.Deployer.Token;
        var supply = await token.TotalSupplyQueryAsync();
        // 1. Supply moved only by the exchange's mints and burns.
        Assert.Equal(w.SupplyAtStart + w.Minted - w.Burned, supply);

        // 2. Every token is held by a known account or contract.
        BigInteger held = 0;
        foreach (var holder in w.Holders.Select(h => h.Address).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            held += await token.BalanceOfQueryAsync(holder);
        }

        var contracts = new[] { ContractNames.SessionManager, ContractNames.OracleRegistry, ContractNames.ProviderRegistry, ContractNames.DisputeManager, ContractNames.EvidenceRegistry, ContractNames.TokenExchange };
        var balances = new Dictionary<string, BigInteger>();
        foreach (var c in contracts)
        {
            balances[c] = await token.BalanceOfQueryAsync(n.AddressOf(c));
            held += balances[c];
        }

        // 3. Each contract holds exactly what its books owe.
        BigInteger deposits = 0;
        foreach (var s in w.Sessions)
        {
            var state = (await token.Web3.Eth.GetContractHandler(n.AddressOf(ContractNames.SessionManager)).QueryDeserializingToObjectAsync<Oracle.Chain.Contracts.SessionManager.SessionStateFunction, Oracle.Chain.Contracts.SessionManager.SessionStateOutput>(new() { SessionId = s.Id })).State;
            if ((SessionStatus)state.Status != SessionStatus.Closed)
            {
                deposits += s.Terms.Deposit - state.Paid - state.Penalized;
            }
        }

        Assert.Equal(deposits, balances[ContractNames.SessionManager]);
        BigInteger stakes = 0;
        foreach (var o in w.Holders.Select(h => h.Address).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var info = (await n.Deployer.Oracles.OracleInfoQueryAsync(o)).Info;
            stakes += info.Stake + info.Unstaking;
        }

        Assert.Equal(stakes, balances[ContractNames.OracleRegistry]);
        Assert.Equal((await n.Deployer.Providers.GetProviderQueryAsync(w.Provider.Address)).P.Bond, balances[ContractNames.ProviderRegistry]);
        BigInteger credits = 0;
        foreach (var h in w.Holders.Select(h => h.Address).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            credits += await n.Deployer.Disputes.ClaimableQueryAsync(h);
        }

        // Jurors who never revealed were slashed; with no coherent seat the round's pool went to the winner's credit,
        // so after every dispute is executed and settled the DisputeManager holds only credits not yet withdrawn.
        Assert.Equal(credits, balances[ContractNames.DisputeManager]);
        Assert.Equal(0, balances[ContractNames.TokenExchange]);
        Assert.Equal(supply, held);
    }
}
