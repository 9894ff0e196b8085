using System.Numerics;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using Oracle.Actions.Units;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Deployment;
using Oracle.Chain.Model;
using Oracle.Chain.Sessions;

namespace Oracle.Actions.Sessions;

/// <summary>
/// A session's life in the SessionManager: a client opens it (deposit, penalty, drawn committee or named panel); the
/// provider settles vouchers and closes it cooperatively; a client closes unilaterally (start, then anyone finalizes
/// after the challenge window).
/// </summary>
public static class SessionActions
{
    /// <summary>Opens a session with the request's provider at its current price and policy.</summary>
    public static Task<ActionResult<SessionTransaction>> OpenAsync(ActionContext context, OpenSessionRequest request, CancellationToken cancellationToken = default)
        => ActionRunner.RunAsync(context, async () =>
        {
            ArgumentNullException.ThrowIfNull(request);
            var account = context.RequireAccount("opening a session");
            var provider = Addresses.Parse(request.Provider, "provider");
            if (Addresses.Same(provider, account))
            {
                throw ActionFailedException.InvalidInput("a provider cannot open a session with itself");
            }

            var terms = await new ProviderRegistryService(context.Web3, context.AddressOf(ContractNames.ProviderRegistry))
                .SessionTermsQueryAsync(provider, null, cancellationToken).ConfigureAwait(false);
            if (!terms.Active)
            {
                var registered = (await new ProviderRegistryService(context.Web3, context.AddressOf(ContractNames.ProviderRegistry))
                    .GetProviderQueryAsync(provider, null, cancellationToken).ConfigureAwait(false)).P.Status;
                throw registered == (byte)ProviderStatus.None
                    ? ActionFailedException.NotFound($"{provider} is not a registered provider (`oracle provider list` shows them)")
                    : ActionFailedException.Refused($"provider {provider} takes no new sessions (it is unbonding)");
            }

            if (request.Deposit.IsZero)
            {
                throw ActionFailedException.InvalidInput("the deposit must be more than zero");
            }

            var manager = Manager(context);
            var panel = await PanelActions.NormalizePanelAsync(context, request.Panel ?? [], account, provider, manager, cancellationToken).ConfigureAwait(false);
            var penalty = request.Penalty ?? Asset.Vpn.Amount(0);
            var acceptance = request.PanelAcceptance;
            if (acceptance is not null)
            {
                // The checks the SessionManager makes, made first: a forged, altered, expired or mismatched acceptance
                // is refused in one line before anything (not even the deposit's approval) is sent.
                (panel, penalty) = await PanelActions.CheckAcceptanceAsync(context, acceptance, account, provider, request.Penalty, panel, request.CommitteeSize,
                    cancellationToken).ConfigureAwait(false);
            }
            else if (panel.Count > 0)
            {
                throw ActionFailedException.InvalidInput("a named panel needs the provider's signed acceptance: ask the provider to run "
                    + $"`oracle provider accept-panel --client {account} --panel {string.Join(',', panel)} --penalty {penalty.ToDecimalString()}` "
                    + "and pass what it prints with --panel-acceptance (or open with a drawn committee, --committee)");
            }

            var deposit = Tokens.Uint96(request.Deposit, "the deposit");
            if (penalty > request.Deposit)
            {
                throw ActionFailedException.InvalidInput($"the penalty {penalty} is larger than the deposit {request.Deposit}");
            }

            var size = panel.Count > 0 ? panel.Count : request.CommitteeSize ?? 3;
            var maxSize = await manager.MaxCommitteeSizeQueryAsync(null, cancellationToken).ConfigureAwait(false);
            if (size < 3 || size > maxSize || size % 2 == 0)
            {
                throw ActionFailedException.InvalidInput($"a committee has an odd number of oracles from 3 to {maxSize}, not {size}");
            }

            if (panel.Count > 0 && request.CommitteeSize is { } asked && asked != panel.Count)
            {
                throw ActionFailedException.InvalidInput($"the panel names {panel.Count} oracles but the committee size is {request.CommitteeSize}");
            }

            var description = $"opening a session with {provider} (deposit {request.Deposit}, {Asset.Vpn.Amount(terms.PricePerMiB)}/MiB, "
                + (panel.Count > 0 ? $"panel of {panel.Count} the provider accepted)" : $"committee of {size} drawn)");
            var parameters = new OpenParams
            {
                Provider = provider,
                Deposit = deposit,
                PricePerMiB = terms.PricePerMiB,
                PolicyHash = terms.PolicyHash,
                Penalty = penalty.BaseUnits,
                CommitteeSize = (byte)size,
                Panel = [.. panel],
            };
            if (acceptance is not null)
            {
                // A used acceptance is known only to the contract: ask it (a call, nothing sent) before approving the deposit.
                await PanelActions.RequireUnusedAsync(manager, account, parameters, acceptance, cancellationToken).ConfigureAwait(false);
            }

            await Tokens.RequireBalanceAsync(context, request.Deposit, account, "the deposit", cancellationToken).ConfigureAwait(false);
            await Tokens.EnsureAllowanceAsync(context, request.Deposit, ContractNames.SessionManager, cancellationToken).ConfigureAwait(false);
            var receipt = acceptance is null
                ? await context.SendAsync(description, manager.Address, new OpenSessionFunction { Params = parameters }, cancellationToken).ConfigureAwait(false)
                : await context.SendAsync(description, manager.Address, new OpenSessionWithPanelFunction
                {
                    Params = parameters,
                    AcceptanceDeadline = acceptance.Deadline,
                    ProviderSignature = acceptance.Signature,
                }, cancellationToken).ConfigureAwait(false);
            var opened = receipt.DecodeAllEvents<SessionOpenedEvent>().Single().Event;
            var view = await ShowCoreAsync(context, opened.SessionId, cancellationToken).ConfigureAwait(false);
            return Done(view, receipt, 0, 0);
        }, cancellationToken);

    /// <summary>The session's terms and state.</summary>
    public static Task<ActionResult<SessionView>> ShowAsync(ActionContext context, ulong sessionId, CancellationToken cancellationToken = default)
        => ActionRunner.RunAsync(context, () => ShowCoreAsync(context, sessionId, cancellationToken), cancellationToken);

    /// <summary>
    /// The provider closes the session cooperatively, redeeming <paramref name="voucher"/> (the latest the client
    /// signed; none: only what was settled before is paid) and refunding the rest of the deposit to the client.
    /// </summary>
    public static Task<ActionResult<SessionTransaction>> CloseAsync(ActionContext context, ulong sessionId, VoucherDocument? voucher, CancellationToken cancellationToken = default)
        => ActionRunner.RunAsync(context, async () =>
        {
            var account = context.RequireAccount("closing a session");
            var (record, state) = await FindAsync(context, sessionId, cancellationToken).ConfigureAwait(false);
            if (!Addresses.Same(account, record.Terms.Provider))
            {
                throw ActionFailedException.Refused($"only the session's provider {record.Terms.Provider} closes it cooperatively; a client closes with `oracle session start-close`");
            }

            RequireStatus(sessionId, state, SessionStatus.Open, SessionStatus.Closing);
            if (state.OpenDisputes > 0)
            {
                throw ActionFailedException.Refused($"session {sessionId} has {state.OpenDisputes} open dispute(s): it closes once they are ruled");
            }

            if (voucher is not null)
            {
                await CheckVoucherAsync(context, record, voucher, cancellationToken).ConfigureAwait(false);
            }

            var receipt = await context.SendAsync(
                voucher is null ? $"closing session {sessionId} without a new voucher" : $"closing session {sessionId} with the voucher of {Asset.Vpn.Amount(voucher.CumulativeAmount)}",
                Manager(context).Address,
                new CloseSessionFunction
                {
                    SessionId = sessionId,
                    Session = record.Terms,
                    Voucher = voucher?.ToContract() ?? new Voucher { SessionId = sessionId, LogRoot = new byte[32] },
                    Signature = voucher?.Signature ?? [],
                },
                cancellationToken).ConfigureAwait(false);
            var closed = receipt.DecodeAllEvents<SessionClosedEvent>().Single().Event;
            return Done(await ShowCoreAsync(context, sessionId, cancellationToken).ConfigureAwait(false), receipt, closed.PaidToProvider, closed.RefundedToClient);
        }, cancellationToken);

    /// <summary>Redeems <paramref name="voucher"/> without closing: pays the provider what it adds to what was paid (anyone may send it).</summary>
    public static Task<ActionResult<SessionTransaction>> SettleAsync(ActionContext context, ulong sessionId, VoucherDocument voucher, CancellationToken cancellationToken = default)
        => ActionRunner.RunAsync(context, async () =>
        {
            ArgumentNullException.ThrowIfNull(voucher);
            context.RequireAccount("settling a voucher");
            var (record, state) = await FindAsync(context, sessionId, cancellationToken).ConfigureAwait(false);
            RequireStatus(sessionId, state, SessionStatus.Open, SessionStatus.Closing);
            await CheckVoucherAsync(context, record, voucher, cancellationToken).ConfigureAwait(false);
            if (voucher.CumulativeAmount <= state.Paid)
            {
                throw ActionFailedException.Refused($"the voucher pays {Asset.Vpn.Amount(voucher.CumulativeAmount)} in total, no more than the {Asset.Vpn.Amount(state.Paid)} already paid");
            }

            var receipt = await context.SendAsync($"settling the voucher of {Asset.Vpn.Amount(voucher.CumulativeAmount)} on session {sessionId}", Manager(context).Address,
                new SettleVoucherFunction { SessionId = sessionId, Session = record.Terms, Voucher = voucher.ToContract(), Signature = voucher.Signature },
                cancellationToken).ConfigureAwait(false);
            var settled = receipt.DecodeAllEvents<VoucherSettledEvent>().SingleOrDefault()?.Event;
            return Done(await ShowCoreAsync(context, sessionId, cancellationToken).ConfigureAwait(false), receipt, settled?.Paid ?? 0, 0);
        }, cancellationToken);

    /// <summary>The client starts closing unilaterally; the provider may settle its latest voucher until the challenge window ends.</summary>
    public static Task<ActionResult<SessionTransaction>> StartCloseAsync(ActionContext context, ulong sessionId, CancellationToken cancellationToken = default)
        => ActionRunner.RunAsync(context, async () =>
        {
            var account = context.RequireAccount("closing a session");
            var (record, state) = await FindAsync(context, sessionId, cancellationToken).ConfigureAwait(false);
            if (!Addresses.Same(account, record.Terms.Client))
            {
                throw ActionFailedException.Refused($"only the session's client {record.Terms.Client} starts a close; the provider closes with `oracle session close`");
            }

            RequireStatus(sessionId, state, SessionStatus.Open);
            var receipt = await context.SendAsync($"starting to close session {sessionId} (the provider may answer with its latest voucher during the challenge window)",
                Manager(context).Address, new StartCloseFunction { SessionId = sessionId, Session = record.Terms }, cancellationToken).ConfigureAwait(false);
            return Done(await ShowCoreAsync(context, sessionId, cancellationToken).ConfigureAwait(false), receipt, 0, 0);
        }, cancellationToken);

    /// <summary>Ends a client's close once the challenge window is over, refunding what was not paid (anyone may send it).</summary>
    public static Task<ActionResult<SessionTransaction>> FinalizeCloseAsync(ActionContext context, ulong sessionId, CancellationToken cancellationToken = default)
        => ActionRunner.RunAsync(context, async () =>
        {
            context.RequireAccount("finalizing a close");
            var (record, state) = await FindAsync(context, sessionId, cancellationToken).ConfigureAwait(false);
            RequireStatus(sessionId, state, SessionStatus.Closing);
            var now = await context.ChainTimeAsync(cancellationToken).ConfigureAwait(false);
            if (now.ToUnixTimeSeconds() < (long)state.CloseDeadline)
            {
                throw ActionFailedException.Refused($"the challenge window of session {sessionId} is open until {RevertMessages.When(state.CloseDeadline, now)}; finalize after it");
            }

            if (state.OpenDisputes > 0)
            {
                throw ActionFailedException.Refused($"session {sessionId} has {state.OpenDisputes} open dispute(s): it closes once they are ruled");
            }

            var receipt = await context.SendAsync($"finalizing the close of session {sessionId}", Manager(context).Address,
                new FinalizeCloseFunction { SessionId = sessionId, Session = record.Terms }, cancellationToken).ConfigureAwait(false);
            var closed = receipt.DecodeAllEvents<SessionClosedEvent>().Single().Event;
            return Done(await ShowCoreAsync(context, sessionId, cancellationToken).ConfigureAwait(false), receipt, closed.PaidToProvider, closed.RefundedToClient);
        }, cancellationToken);

    /// <summary>The session's record and state, or a NotFound failure.</summary>
    internal static async Task<(SessionRecord Record, SessionState State)> FindAsync(ActionContext context, ulong sessionId, CancellationToken cancellationToken)
    {
        if (sessionId == 0)
        {
            throw ActionFailedException.InvalidInput("session ids start at 1");
        }

        var reader = new SessionReader(context.Web3, context.AddressOf(ContractNames.SessionManager), context.Chain.DeploymentBlock(ContractNames.SessionManager),
            context.Chain.MaxLogRange);
        return await reader.FindAsync(sessionId, cancellationToken).ConfigureAwait(false)
            ?? throw ActionFailedException.NotFound($"there is no session {sessionId} on this network");
    }

    private static async Task<SessionView> ShowCoreAsync(ActionContext context, ulong sessionId, CancellationToken cancellationToken)
    {
        var (record, state) = await FindAsync(context, sessionId, cancellationToken).ConfigureAwait(false);
        var maxDuration = await Manager(context).MaxSessionDurationQueryAsync(null, cancellationToken).ConfigureAwait(false);
        var t = record.Terms;
        var status = (SessionStatus)state.Status;
        return new SessionView(
            sessionId, t.Client, t.Provider, Asset.Vpn.Amount(t.Deposit), Asset.Vpn.Amount(t.PricePerMiB), Asset.Vpn.Amount(t.Penalty), t.CommitteeSize,
            record.Panel, "0x" + Convert.ToHexStringLower(t.PolicyHash), DateTimeOffset.FromUnixTimeSeconds((long)t.OpenedAt), record.BlockNumber,
            DateTimeOffset.FromUnixTimeSeconds((long)(t.OpenedAt + maxDuration)), status, Asset.Vpn.Amount(state.Paid), Asset.Vpn.Amount(state.Penalized),
            Asset.Vpn.Amount(status == SessionStatus.Closed ? 0 : t.Deposit - state.Paid - state.Penalized), state.OpenDisputes,
            status == SessionStatus.Closed ? DateTimeOffset.FromUnixTimeSeconds((long)state.ClosedAt) : null,
            state.CloseDeadline == 0 ? null : DateTimeOffset.FromUnixTimeSeconds((long)state.CloseDeadline));
    }

    // The checks the contract makes, made first so that a wrong voucher costs no gas and says what is wrong.
    private static async Task CheckVoucherAsync(ActionContext context, SessionRecord record, VoucherDocument voucher, CancellationToken cancellationToken)
    {
        if (voucher.SessionId != record.SessionId)
        {
            throw ActionFailedException.InvalidInput($"the voucher is for session {voucher.SessionId}, not {record.SessionId}");
        }

        var signer = await Manager(context).VoucherSignerQueryAsync(voucher.ToContract(), voucher.Signature, null, cancellationToken).ConfigureAwait(false);
        if (!Addresses.Same(signer, record.Terms.Client))
        {
            throw ActionFailedException.Refused($"the voucher is not signed by the session's client {record.Terms.Client} (it recovers to {signer})");
        }
    }

    private static void RequireStatus(ulong sessionId, SessionState state, params SessionStatus[] allowed)
    {
        var status = (SessionStatus)state.Status;
        if (!allowed.Contains(status))
        {
            throw ActionFailedException.Refused($"session {sessionId} is {status.ToString().ToLowerInvariant()}: this needs it {string.Join(" or ", allowed.Select(a => a.ToString().ToLowerInvariant()))}");
        }
    }

    private static SessionManagerService Manager(ActionContext context) => new(context.Web3, context.AddressOf(ContractNames.SessionManager));

    private static SessionTransaction Done(SessionView view, TransactionReceipt receipt, BigInteger paid, BigInteger refunded)
        => new(view, Asset.Vpn.Amount(paid), Asset.Vpn.Amount(refunded), receipt.TransactionHash, (ulong)receipt.BlockNumber.Value);
}
