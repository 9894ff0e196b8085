using System.CommandLine;
using Oracle.Actions;
using Oracle.Actions.Sessions;
using Oracle.Actions.Units;
using Oracle.Cli.Hosting;

namespace Oracle.Cli.Commands;

/// <summary><c>oracle session open|show|close|settle|start-close|finalize-close</c> (a panel's acceptance: <c>oracle provider accept-panel</c>).</summary>
internal static class SessionCommands
{
    public static Command Create(CliApplication app)
    {
        var provider = new Option<string>("--provider") { Description = "The provider's address (`oracle provider list` finds one)", Required = true };
        var deposit = new Option<string>("--deposit") { Description = "VPN to lock: vouchers pay the provider from it, the rest comes back", Required = true };
        var penalty = new Option<string?>("--penalty") { Description = "The most a ruling takes from the party at fault, VPN (default 0, at most the deposit)" };
        var committee = new Option<int?>("--committee") { Description = "Oracles drawn for a dispute: odd, 3 up to the network's maximum (default 3)" };
        var panel = new Option<string[]>("--panel")
        {
            Description = "Instead of a drawn committee: the oracles both parties name, comma-separated (with --panel-acceptance, the provider's signed acceptance of this panel and --penalty)",
            AllowMultipleArgumentsPerToken = true,
        };
        var acceptance = new Option<string?>("--panel-acceptance")
        {
            Description = "The provider's signed acceptance of the panel (`oracle provider accept-panel` prints it): its one-line form, a file, or - (standard input); "
                + "checked before sending (network, signer, client, that --panel and --penalty are the accepted ones, deadline, not used)",
        };
        var open = new Command("open", "Open a session with a provider: deposit, penalty, drawn committee or a named panel the provider accepted")
        {
            provider, deposit, penalty, committee, panel, acceptance,
        };
        open.SetAction((parse, ct) => app.OnChainAsync(parse, true, (context, token) => SessionActions.OpenAsync(context, new OpenSessionRequest(
                parse.GetValue(provider)!,
                Arguments.Amount(parse.GetValue(deposit), Asset.Vpn, "--deposit"),
                Arguments.OptionalAmount(parse.GetValue(penalty), Asset.Vpn, "--penalty"),
                parse.GetValue(committee),
                Arguments.List(parse.GetValue(panel)),
                parse.GetValue(acceptance) is { } given ? PanelAcceptanceDocument.Load(given) : null), token),
            PrintOpened, ct));

        Argument<ulong> Id() => new("session") { Description = "The session id" };
        var showId = Id();
        var show = new Command("show", "Show a session's terms and state") { showId };
        show.SetAction((parse, ct) => app.OnChainAsync(parse, false, (context, token) => SessionActions.ShowAsync(context, parse.GetValue(showId), token), PrintSession, ct));

        var voucher = new Option<string?>("--voucher") { Description = "The latest voucher the client signed, a JSON file (- reads standard input)" };
        var voucherFrom = new Option<string?>("--voucher-from")
        {
            Description = "Instead of --voucher: an evidence collector's URL; the latest voucher it holds for the session (checked against the client's signature before it is redeemed)",
        };
        var closeId = Id();
        var close = new Command("close", "Provider: close the session cooperatively, redeeming the latest voucher (the rest of the deposit goes back)") { closeId, voucher, voucherFrom };
        close.Validators.Add(result =>
        {
            if (result.GetValue(voucher) is not null && result.GetValue(voucherFrom) is not null)
            {
                result.AddError("give --voucher or --voucher-from, not both");
            }
        });
        close.SetAction((parse, ct) => app.OnChainAsync(parse, true, async (context, token) =>
        {
            var sessionId = parse.GetValue(closeId);
            VoucherDocument? latest = parse.GetValue(voucher) is { } file ? VoucherDocument.Load(file) : null;
            if (parse.GetValue(voucherFrom) is { } collector)
            {
                if (!Uri.TryCreate(collector.EndsWith('/') ? collector : collector + "/", UriKind.Absolute, out var collectorUri) || collectorUri.Scheme is not ("http" or "https"))
                {
                    return ActionResult<SessionTransaction>.Failure(new ActionError(ActionErrorKind.InvalidInput, $"--voucher-from: {collector} is not an http(s) URL"));
                }

                var fetched = await CollectorVouchers.LatestAsync(collectorUri, sessionId, token);
                if (!fetched.IsSuccess)
                {
                    return ActionResult<SessionTransaction>.Failure(fetched.Error);
                }

                latest = fetched.Value;
            }

            return await SessionActions.CloseAsync(context, sessionId, latest, token);
        }, PrintTransaction, ct));

        var settleVoucher = new Option<string>("--voucher") { Description = "The voucher, a JSON file (- reads standard input)", Required = true };
        var settleId = Id();
        var settle = new Command("settle", "Redeem a voucher without closing (the provider is paid what it adds)") { settleId, settleVoucher };
        settle.SetAction((parse, ct) => app.OnChainAsync(parse, true, (context, token) => SessionActions.SettleAsync(context, parse.GetValue(settleId),
            VoucherDocument.Load(parse.GetValue(settleVoucher)!), token), PrintTransaction, ct));

        var startId = Id();
        var startClose = new Command("start-close", "Client: start closing unilaterally; the provider may redeem its latest voucher during the challenge window") { startId };
        startClose.SetAction((parse, ct) => app.OnChainAsync(parse, true, (context, token) => SessionActions.StartCloseAsync(context, parse.GetValue(startId), token),
            PrintTransaction, ct));

        var finalizeId = Id();
        var finalizeClose = new Command("finalize-close", "Anyone: end a client's close after the challenge window, refunding what was not paid") { finalizeId };
        finalizeClose.SetAction((parse, ct) => app.OnChainAsync(parse, true, (context, token) => SessionActions.FinalizeCloseAsync(context, parse.GetValue(finalizeId), token),
            PrintTransaction, ct));

        return new Command("session", "Sessions: open with a provider, follow, close, settle vouchers")
        {
            open, show, close, settle, startClose, finalizeClose,
        };
    }

    private static void PrintOpened(SessionTransaction t, CliOutput output)
    {
        output.Line($"session {t.Session.SessionId} opened with {t.Session.Provider}");
        PrintFields(t.Session, output);
        output.Field("transaction", $"{t.TransactionHash} (block {t.Block})");
        output.Line();
        output.Line($"connect: vpngateway connect --config <client.json> with Connect:Provider {t.Session.Provider} and Connect:SessionId {t.Session.SessionId}");
    }

    private static void PrintTransaction(SessionTransaction t, CliOutput output)
    {
        PrintSession(t.Session, output);
        if (!t.PaidToProvider.IsZero || !t.RefundedToClient.IsZero)
        {
            output.Field("paid now", $"{t.PaidToProvider} to the provider, {t.RefundedToClient} back to the client");
        }

        output.Field("transaction", $"{t.TransactionHash} (block {t.Block})");
    }

    private static void PrintSession(SessionView s, CliOutput output)
    {
        output.Line($"session {s.SessionId} ({s.Status.ToString().ToLowerInvariant()})");
        PrintFields(s, output);
    }

    private static void PrintFields(SessionView s, CliOutput output)
    {
        output.Field("client", s.Client);
        output.Field("provider", s.Provider);
        output.Field("deposit", s.Deposit);
        output.Field("price", $"{s.PricePerMiB} per MiB");
        output.Field("penalty", s.Penalty);
        output.Field("committee", s.Panel.Count > 0 ? $"panel: {string.Join(", ", s.Panel)}" : $"{s.CommitteeSize} oracles drawn");
        output.Field("policy", s.PolicyHash);
        output.Field("opened", $"{Arguments.Time(s.OpenedAt)} (block {s.OpenedInBlock})");
        output.Field("runs out", s.EndsAt);
        output.Field("paid", s.Paid);
        if (!s.Penalized.IsZero)
        {
            output.Field("penalized", s.Penalized);
        }

        output.Field("remaining", s.Remaining);
        if (s.OpenDisputes > 0)
        {
            output.Field("open disputes", s.OpenDisputes);
        }

        if (s.CloseDeadline is { } deadline)
        {
            output.Field("challenge window", $"until {Arguments.Time(deadline)}");
        }

        if (s.ClosedAt is { } closed)
        {
            output.Field("closed", closed);
        }
    }
}
