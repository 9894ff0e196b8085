using System.Numerics;
using CsCheck;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using Oracle.Chain;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Contracts.TokenExchange;
using Oracle.Chain.Deployment;
using Oracle.Chain.Model;
using Oracle.Contracts.Tests.Support;
using Oracle.Testing;
using SmSession = Oracle.Chain.Contracts.Session;

namespace Oracle.Contracts.Tests.Properties;

/// <summary>
/// Random sequences of trades, sessions (drawn or with a panel the provider accepted), settlements, closes, stakes,
/// unstakes, transfers, disputes rejected and upheld on either side (several on one session: the session-level penalty
/// cap), draws whose stake snapshot expired, and bond releases: no token is created or lost outside the exchange, every
/// contract holds exactly what its books say it owes, and the provider's reservations are exactly the open sessions'
/// penalties less what rulings took.
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

        public Dictionary<string, Actor> Jurors => Oracles.Concat(Network.PriceOracles).ToDictionary(o => o.Address, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RandomOperations_NoTokenCreatedOrLostOutsideTheExchange()
    {
        var ops = Gen.Select(Gen.Int[0, 15], Gen.Int[0, 3], Gen.Int[1, 90]).Array[6, 14];
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
                await OpenAsync(w, trader, Sessions.Params(n, w.Provider, deposit: tokens, penalty: tokens / 2), panel: false);
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
                // A provider's claim nobody votes on: rejected by default.
                await DisputeAsync(w, w.Sessions[amount % w.Sessions.Count], ClaimType.ClientBreachedPolicy, vote: null);
                break;
            case 11 when balance >= tokens:
                // A session judged by a panel the provider accepted.
                await OpenAsync(w, trader, Sessions.Params(n, w.Provider, deposit: tokens, penalty: tokens / 2, committee: 3, panel: Panel(w)), panel: true);
                break;
            case 12 when w.Sessions.Count > 0:
                // The client's claim, upheld: the session's reservation pays, at most its penalty over all rulings.
                await DisputeAsync(w, w.Sessions[amount % w.Sessions.Count], ClaimType.ProviderBreachedPolicy, Ruling.Upheld);
                break;
            case 13 when w.Sessions.Count > 0:
                // The provider's claim, upheld: the deposit pays, at most the penalty over all rulings.
                await DisputeAsync(w, w.Sessions[amount % w.Sessions.Count], ClaimType.ClientBreachedPolicy, Ruling.Upheld);
                break;
            case 14 when w.Sessions.Count > 0:
                await ExpiredSnapshotAsync(w, w.Sessions[amount % w.Sessions.Count]);
                break;
            case 15:
                // Past every session's claims window: anyone releases what the sessions still reserve.
                await chain.IncreaseTimeAsync(n.Parameters.MaxSessionDuration + n.Parameters.DisputeWindow + TimeSpan.FromSeconds(1));
                foreach (var s3 in w.Sessions)
                {
                    var released = await trader.Sessions.TrySendAsync(new Oracle.Chain.Contracts.SessionManager.ReleaseBondFunction { SessionId = s3.Id, Session = s3.Terms });
                    Assert.True(released.IsSuccess || released.Error!.Name.StartsWith("Session", StringComparison.Ordinal), released.Error?.ToString());
                }

                break;
        }
    }

    private static List<string> Panel(World w)
        => w.Oracles.Select(o => o.Address).Append(w.Network.PriceOracles[0].Address).OrderBy(a => a.ToLowerInvariant(), StringComparer.Ordinal).ToList();

    private static async Task OpenAsync(World w, Actor client, Oracle.Chain.Contracts.OpenParams p, bool panel)
    {
        var n = w.Network;
        await TestNetwork.ApproveAsync(client, n.AddressOf(ContractNames.SessionManager), p.Deposit);
        TransactionResult result;
        if (panel)
        {
            var deadline = await n.Chain.LatestTimestampAsync() + 600;
            result = await client.Sessions.TrySendAsync(new Oracle.Chain.Contracts.SessionManager.OpenSessionWithPanelFunction { Params = p, AcceptanceDeadline = deadline, ProviderSignature = Sessions.SignPanelAcceptance(n, w.Provider, client.Address, p, deadline) });
        }
        else
        {
            result = await client.Sessions.TrySendAsync(new Oracle.Chain.Contracts.SessionManager.OpenSessionFunction { Params = p });
        }

        // A penalty beyond the provider's free bond is refused.
        if (!result.IsSuccess)
        {
            Assert.Equal("SessionPenaltyNotCovered", result.Error!.Name);
            return;
        }

        var opened = TestNetwork.Event<Oracle.Chain.Contracts.SessionManager.SessionOpenedEvent>(result.Receipt!);
        w.Sessions.Add(new OpenSession(opened.SessionId, Sessions.FromEvent(opened), client));
    }

    /// <summary>
    /// Files a claim on the session (when its state allows), draws it, has every juror vote <paramref name="vote"/> (none:
    /// nobody votes, the claim is rejected), executes the ruling, settles the round, and pays everyone out.
    /// </summary>
    private async Task DisputeAsync(World w, OpenSession s, ClaimType type, Ruling? vote)
    {
        var n = w.Network;
        var filer = type == ClaimType.ClientBreachedPolicy ? w.Provider : s.Client;
        var terms = Disputes.Terms(s.Terms);
        if (await filer.VpnBalanceAsync() < Disputes.FilingCost(n, terms.CommitteeSize))
        {
            return;
        }

        await TestNetwork.ApproveAsync(filer, n.AddressOf(ContractNames.DisputeManager), Disputes.FilingCost(n, terms.CommitteeSize));
        var filed = await filer.Disputes.TrySendAsync(new FileDisputeFunction { Claim = Disputes.Claim(s.Id, type), Session = terms, Panel = s.Terms.PanelHash.Any(b => b != 0) ? Panel(w) : [], Proof = [] });
        if (!filed.IsSuccess)
        {
            // A claim the session's state no longer allows (closed session, window passed).
            Assert.StartsWith("Session", filed.Error!.Name, StringComparison.Ordinal);
            return;
        }

        var f = TestNetwork.Event<DisputeFiledEvent>(filed.Receipt!);
        await ResolveAsync(w, f.DisputeId, f.Dispute, terms, vote, filed.Receipt!.DecodeAllEvents<CommitteeDrawnEvent>().SingleOrDefault()?.Event);
    }

    private async Task ResolveAsync(World w, ulong id, Dispute dispute, Session terms, Ruling? vote, CommitteeDrawnEvent? drawn)
    {
        var n = w.Network;
        for (var attempt = 0; attempt < 3 && drawn is null; attempt++)
        {
            await chain.MineAsync();
            await n.FulfillRandomnessAsync();
            var draw = await w.Provider.Disputes.TrySendAsync(new DrawFunction { DisputeId = id, Dispute = dispute });
            if (!draw.IsSuccess)
            {
                // Past its drawing deadline (the clock ran while other disputes were resolved) a draw that draws
                // nothing asks for no new randomness: the round can only be ended.
                Assert.Equal("DisputeDrawingEnded", draw.Error!.Name);
                break;
            }

            drawn = draw.Receipt!.DecodeAllEvents<CommitteeDrawnEvent>().SingleOrDefault()?.Event;
        }

        if (drawn is null)
        {
            var deadline = await w.Provider.Disputes.DrawingDeadlineQueryAsync(id, dispute);
            var now = await chain.LatestTimestampAsync();
            if (now < deadline)
            {
                await chain.IncreaseTimeAsync(TimeSpan.FromSeconds(deadline - now));
            }

            await w.Provider.Disputes.EndDrawingAsync(id, dispute, terms);
        }
        else
        {
            if (vote is { } v)
            {
                await Rulings.VoteAsync(n, w.Jurors, id, 0, drawn.Committee, v, throughAppeal: false);
                await chain.IncreaseTimeAsync(n.Parameters.AppealPeriod);
            }
            else
            {
                await chain.IncreaseTimeAsync(n.Parameters.CommitPeriod + n.Parameters.RevealPeriod + n.Parameters.AppealPeriod);
            }

            await w.Provider.Disputes.ExecuteRulingAsync(id, dispute, terms);
            // Settling slashes the silent jurors; the coherent ones claim (without coherent seats the pool goes to the
            // winner's credit).
            await w.Provider.Disputes.SettleRoundAsync(id, 0, dispute, drawn.Committee);
            foreach (var juror in Disputes.Distinct(drawn.Committee))
            {
                var claimed = await w.Jurors[juror].Disputes.TrySendAsync(new ClaimRewardFunction { DisputeId = id, Round = 0 });
                Assert.True(claimed.IsSuccess || claimed.Error!.Name == "DisputeNothingToClaim", claimed.Error?.ToString());
            }
        }

        foreach (var party in w.Traders.Append(w.Provider))
        {
            if (await party.Disputes.ClaimableQueryAsync(party.Address) > 0)
            {
                await party.Disputes.WithdrawAsync();
            }
        }
    }

    /// <summary>
    /// A provider's claim whose randomness arrives, then two more filings each a join window later: the first claim's
    /// snapshot is no longer readable, so its draw takes a fresh snapshot and fresh randomness. All three are resolved.
    /// </summary>
    private async Task ExpiredSnapshotAsync(World w, OpenSession s)
    {
        var n = w.Network;
        var terms = Disputes.Terms(s.Terms);
        var cost = Disputes.FilingCost(n, terms.CommitteeSize) * 3;
        if (s.Terms.PanelHash.Any(b => b != 0) || await w.Provider.VpnBalanceAsync() < cost)
        {
            return;
        }

        await TestNetwork.ApproveAsync(w.Provider, n.AddressOf(ContractNames.DisputeManager), cost);
        var filed = new List<(ulong Id, Dispute Dispute)>();
        for (var i = 0; i < 3; i++)
        {
            var result = await w.Provider.Disputes.TrySendAsync(new FileDisputeFunction { Claim = Disputes.Claim(s.Id, ClaimType.ClientBreachedPolicy), Session = terms, Panel = [], Proof = [] });
            if (!result.IsSuccess)
            {
                Assert.StartsWith("Session", result.Error!.Name, StringComparison.Ordinal);
                break;
            }

            var f = TestNetwork.Event<DisputeFiledEvent>(result.Receipt!);
            filed.Add((f.DisputeId, f.Dispute));
            await n.FulfillRandomnessAsync();
            await chain.IncreaseTimeAsync(n.Parameters.SnapshotJoinWindow + TimeSpan.FromSeconds(1));
        }

        foreach (var (id, dispute) in filed)
        {
            await ResolveAsync(w, id, dispute, terms, vote: null, drawn: null);
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
        var provider = (await n.Deployer.Providers.GetProviderQueryAsync(w.Provider.Address)).P;
        Assert.Equal(provider.Bond, balances[ContractNames.ProviderRegistry]);
        // 4. The provider's reservation is exactly what the sessions not yet released still owe it.
        BigInteger reserved = 0;
        foreach (var s in w.Sessions)
        {
            var state = (await n.Deployer.Sessions.SessionStateQueryAsync(s.Id)).State;
            Assert.True(state.BondTaken <= s.Terms.Penalty && state.Penalized <= s.Terms.Penalty, "a session paid more than its penalty");
            if (!state.BondReleased)
            {
                reserved += s.Terms.Penalty - state.BondTaken;
            }
        }

        Assert.Equal(reserved, provider.ReservedBond);
        Assert.True(provider.ReservedBond <= provider.Bond);
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
