using System.Numerics;
using EvidenceCollector.Log;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nethereum.Contracts;
using Oracle.Chain;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.EvidenceRegistry;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Deployment;
using Oracle.Chain.Transactions;
using Oracle.Core.Merkle;
using Oracle.Hosting;

namespace EvidenceCollector.Anchoring;

/// <summary>
/// The sequencer's anchoring duty: registers the collector in the EvidenceRegistry with its bond (once), then anchors
/// the global log's head every <see cref="AnchoringOptions.Interval"/> or every <see cref="AnchoringOptions.MaxLeaves"/>
/// new leaves, through the platform's <see cref="ITransactionSender"/>. A size is reserved with its root in the
/// <see cref="AnchorLedger"/> before it is sent and the root is checked against the stored tree, so the collector never
/// anchors two roots for one size (the registry would let anyone slash its bond for it).
/// </summary>
internal sealed class AnchorService(
    ChainContext chain,
    ITransactionSender sender,
    LogIdentity identity,
    LogReader log,
    AnchorLedger ledger,
    AnchoringStatus status,
    IOptions<AnchoringOptions> options,
    CollectorMetrics metrics,
    TimeProvider time,
    ILogger<AnchorService> logger) : ILeaderDuty
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);
    private readonly string _registry = chain.AddressOf(ContractNames.EvidenceRegistry);

    /// <inheritdoc />
    public string Name => "anchoring";

    /// <inheritdoc />
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            status.Report(null);
            return;
        }

        var failures = 0;
        var registered = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (!registered)
                {
                    registered = await RegisterAsync(cancellationToken);
                    if (!registered)
                    {
                        await Task.Delay(TimeSpan.FromSeconds(30), time, cancellationToken);
                        continue;
                    }

                    await RecoverAsync(cancellationToken);
                }

                await AnchorIfDueAsync(cancellationToken);
                failures = 0;
                await Task.Delay(Poll, time, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(500 * Math.Pow(2, Math.Min(failures, 7)), 60_000));
                status.Report($"anchoring failed {failures} time(s) in a row: {e.Message}");
                logger.Log(TransientErrors.IsTransient(e) ? LogLevel.Warning : LogLevel.Error,
                    "anchoring failed ({Failures} in a row), retrying in {Delay} s: {Error}", failures, delay.TotalSeconds, e.Message);
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Anchors the head now if it is due; returns the size anchored (null when nothing was due).</summary>
    public async Task<ulong?> AnchorIfDueAsync(CancellationToken cancellationToken)
    {
        var head = await log.HeadAsync(cancellationToken);
        if (head is null || head.TreeSize == 0)
        {
            return null;
        }

        var latest = await ledger.LatestAsync(cancellationToken);
        var grown = head.TreeSize - (latest?.Size ?? 0);
        if (latest is { } l && (head.TreeSize <= l.Size || (grown < (ulong)options.Value.MaxLeaves && time.GetUtcNow() - l.At < options.Value.Interval)))
        {
            return null;
        }

        await AnchorAsync(head.TreeSize, head.Root, cancellationToken);
        return head.TreeSize;
    }

    private async Task AnchorAsync(ulong size, byte[] root, CancellationToken cancellationToken)
    {
        // The root must be the stored tree's at that size (the log cannot fork, but a damaged store must not be anchored).
        var stored = await log.RootAsync(MerkleTables.Global, size, cancellationToken);
        if (!stored.AsSpan().SequenceEqual(root))
        {
            throw new InvalidOperationException($"the signed head of {size} leaves has root {Hex(root)}, the stored tree {Hex(stored)}: not anchored; run evidence-collector audit");
        }

        var reserved = await ledger.ReserveAsync(size, root, cancellationToken);
        if (!reserved.AsSpan().SequenceEqual(root))
        {
            throw new InvalidOperationException($"size {size} is already reserved for anchoring with root {Hex(reserved)}, not {Hex(root)}: refusing to anchor two roots for one size");
        }

        await SendAnchorAsync(size, root, cancellationToken);
    }

    private async Task SendAnchorAsync(ulong size, byte[] root, CancellationToken cancellationToken)
    {
        var result = await sender.TrySendAsync(_registry, new AnchorFunction { LogId = identity.LogId, TreeSize = size, Root = root }, cancellationToken);
        if (result.IsSuccess)
        {
            var gas = (long)result.Receipt.GasUsed.Value;
            await ledger.AnchoredAsync(size, result.Receipt.TransactionHash, (ulong)result.Receipt.BlockNumber.Value, gas, cancellationToken);
            await ledger.SupersedeBelowAsync(size, cancellationToken);
            metrics.Add(CollectorCounters.Anchors);
            metrics.Add(CollectorCounters.AnchorGas, gas);
            metrics.Anchored(size);
            status.Report(null);
            logger.LogInformation("anchored the global log at {Size} leaves, root {Root} (transaction {Transaction}, {Gas} gas)", size, Hex(root), result.Receipt.TransactionHash, gas);
            return;
        }

        if (result.Error.Is<EvidenceSizeNotGrowingError>())
        {
            // A send that landed before a crash or a timeout, or a larger size already anchored: the registry knows.
            var (owner, latest) = await LogHeadAsync(cancellationToken);
            if (latest >= size)
            {
                if (latest == size)
                {
                    await ledger.AnchoredAsync(size, null, null, null, cancellationToken);
                }

                await ledger.SupersedeBelowAsync(latest, cancellationToken);
                metrics.Anchored(latest);
                status.Report(null);
                logger.LogInformation("size {Size} was anchored already (the registry holds {Latest} for {Owner})", size, latest, owner);
                return;
            }
        }

        if (result.Error.Is<EvidenceLogNotOwnedError>())
        {
            var owner = result.Error.As<EvidenceLogNotOwnedError>().Owner;
            throw new InvalidOperationException($"log id 0x{Convert.ToHexStringLower(identity.LogId)} (origin {identity.Origin}) belongs to {owner} in the EvidenceRegistry: set another Log:Origin");
        }

        throw new InvalidOperationException($"anchor({size}) reverted with {result.Error.Name}");
    }

    // Sends left 'sending' by a crash: the same root again, or marked anchored when the registry already has them.
    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        var (_, latest) = await LogHeadAsync(cancellationToken);
        foreach (var (size, root) in await ledger.SendingAsync(cancellationToken))
        {
            if (size <= latest)
            {
                if (size == latest)
                {
                    await ledger.AnchoredAsync(size, null, null, null, cancellationToken);
                }

                continue;
            }

            logger.LogInformation("sending the anchor of {Size} leaves again (it was reserved before a restart)", size);
            await SendAnchorAsync(size, root, cancellationToken);
        }

        await ledger.SupersedeBelowAsync(latest, cancellationToken);
        if (latest > 0)
        {
            metrics.Anchored(latest);
        }
    }

    // Registers with the bond unless registered; false (with the reason in the status) when it cannot yet.
    private async Task<bool> RegisterAsync(CancellationToken cancellationToken)
    {
        var registry = new EvidenceRegistryService(sender.Web3, _registry);
        var collector = (await registry.GetCollectorQueryAsync(sender.Address, null, cancellationToken)).ReturnValue1;
        switch (collector.Status)
        {
            case 1:
                status.Report(null);
                return true;
            case 2 or 3:
                status.Report($"the collector {sender.Address} is {(collector.Status == 2 ? "unbonding" : "slashed")} in the EvidenceRegistry: it cannot anchor");
                logger.LogError("{Problem}", status.Problem);
                return false;
        }

        var minimum = await registry.MinBondQueryAsync(null, cancellationToken);
        var bond = options.Value.Bond is { } tokens ? new BigInteger(tokens * 1_000_000_000m) * BigInteger.Pow(10, 9) : minimum;
        if (bond < minimum)
        {
            status.Report($"Anchoring:Bond {options.Value.Bond} is below the registry's minimum bond ({Tokens(minimum)} VPN)");
            logger.LogError("{Problem}", status.Problem);
            return false;
        }

        var tokenAddress = chain.AddressOf(ContractNames.VpnToken);
        var balance = await new VpnTokenService(sender.Web3, tokenAddress).BalanceOfQueryAsync(sender.Address, null, cancellationToken);
        if (balance < bond)
        {
            status.Report($"the collector {sender.Address} holds {Tokens(balance)} VPN; registering needs a bond of {Tokens(bond)} VPN (buy them at the TokenExchange)");
            logger.LogError("{Problem}", status.Problem);
            return false;
        }

        await sender.SendAsync(tokenAddress, new ApproveFunction { Spender = _registry, Value = bond }, cancellationToken);
        await sender.SendAsync(_registry, new RegisterCollectorFunction { Bond = bond }, cancellationToken);
        logger.LogInformation("registered {Collector} in the EvidenceRegistry with a bond of {Bond} VPN; log {Origin} has id 0x{LogId}",
            sender.Address, Tokens(bond), identity.Origin, Convert.ToHexStringLower(identity.LogId));
        status.Report(null);
        return true;
    }

    private async Task<(string Owner, ulong LatestSize)> LogHeadAsync(CancellationToken cancellationToken)
    {
        var head = await new EvidenceRegistryService(sender.Web3, _registry).LogHeadQueryAsync(identity.LogId, null, cancellationToken);
        return (head.Collector, head.LatestSize);
    }

    private static string Tokens(BigInteger baseUnits) => ((decimal)(baseUnits / BigInteger.Pow(10, 9)) / 1_000_000_000m).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Hex(byte[] bytes) => "0x" + Convert.ToHexStringLower(bytes);
}
