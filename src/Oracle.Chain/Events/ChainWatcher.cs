using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Oracle.Chain.Errors;

namespace Oracle.Chain.Events;

/// <summary>
/// Follows contract events from a cursor kept in the service's database and feeds them to an
/// <see cref="IChainEventHandler"/>: several event types of several contracts in one watcher, one <c>eth_getLogs</c>
/// per batch of at most <see cref="ChainOptions.MaxLogRange"/> blocks (halved if the node refuses), only blocks
/// <see cref="ChainOptions.Confirmations"/> deep. The handler's writes and the cursor commit together.
/// <para>
/// Reorganizations: the watcher remembers the hash of the last block of each batch and of every block with an event.
/// Before each step it compares the newest remembered block with the chain; if the hash changed, it walks down to the
/// newest remembered block that is still on the chain (the fork point, or a block below it), calls
/// <see cref="IChainEventHandler.RollbackAsync"/> with it, and reads again from the block after.
/// </para>
/// Usage: <c>new ChainWatcher(chain, "read-model", chain.DeploymentBlock("DisputeManager"), store, handler).Subscribe&lt;DisputeFiledEvent&gt;(disputeManager)</c>,
/// then <see cref="RunAsync"/> in a hosted service (or <see cref="StepAsync"/> in tests).
/// </summary>
public sealed class ChainWatcher
{
    private readonly IWeb3 _web3;
    private readonly IChainCursorStore _store;
    private readonly IChainEventHandler _handler;
    private readonly ChainWatcherOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly LogRangeReader _logs;
    private readonly RpcRetry _retry;
    private readonly Dictionary<(string Address, string Topic), Func<FilterLog, IEventDTO>> _decoders = [];

    /// <summary>
    /// Creates a watcher on the service's chain: its node, and its confirmations and log range
    /// (<see cref="ChainOptions.Confirmations"/>, <see cref="ChainOptions.MaxLogRange"/>). Add events with <see cref="Subscribe{TEvent}"/>.
    /// </summary>
    /// <param name="chain">The service's chain context (online).</param>
    /// <param name="name">The cursor's name in the store (one per watcher and service, such as <c>read-model</c>).</param>
    /// <param name="startBlock">Where a watcher without a cursor starts (the deployment block of the contracts it follows).</param>
    /// <param name="store">Where the cursor lives.</param>
    /// <param name="handler">What receives the events.</param>
    /// <param name="options">Memory and polling (defaults when omitted).</param>
    /// <param name="logger">Where reorganizations and failures are reported.</param>
    /// <param name="time">The clock for polling.</param>
    /// <exception cref="ChainContextException">The service has no chain node.</exception>
    public ChainWatcher(ChainContext chain, string name, ulong startBlock, IChainCursorStore store, IChainEventHandler handler,
        ChainWatcherOptions? options = null, ILogger<ChainWatcher>? logger = null, TimeProvider? time = null)
        : this((chain ?? throw new ArgumentNullException(nameof(chain))).Web3, chain.Confirmations, chain.MaxLogRange, name, startBlock, store, handler, options, logger, time)
    {
    }

    /// <summary>Creates a watcher on <paramref name="web3"/>'s node; add its events with <see cref="Subscribe{TEvent}"/>.</summary>
    /// <param name="web3">A connection.</param>
    /// <param name="confirmations">Blocks a batch's last block must have on top before the handler sees it (0 on the local chain).</param>
    /// <param name="maxLogRange">The most blocks one batch (and one <c>eth_getLogs</c>) covers.</param>
    /// <param name="name">The cursor's name in the store (one per watcher and service, such as <c>read-model</c>).</param>
    /// <param name="startBlock">Where a watcher without a cursor starts (the deployment block of the contracts it follows).</param>
    /// <param name="store">Where the cursor lives.</param>
    /// <param name="handler">What receives the events.</param>
    /// <param name="options">Memory and polling (defaults when omitted).</param>
    /// <param name="logger">Where reorganizations and failures are reported.</param>
    /// <param name="time">The clock for polling.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is out of range.</exception>
    public ChainWatcher(IWeb3 web3, uint confirmations, ulong maxLogRange, string name, ulong startBlock, IChainCursorStore store, IChainEventHandler handler,
        ChainWatcherOptions? options = null, ILogger<ChainWatcher>? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(web3);
        ArgumentOutOfRangeException.ThrowIfZero(maxLogRange);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(handler);
        _options = options ?? new ChainWatcherOptions();
        _options.Validate();
        _web3 = web3;
        Confirmations = confirmations;
        Name = name;
        StartBlock = startBlock;
        _store = store;
        _handler = handler;
        _logger = logger ?? NullLogger<ChainWatcher>.Instance;
        _time = time ?? TimeProvider.System;
        _logs = new LogRangeReader(web3, maxLogRange, _logger, _time);
        _retry = new RpcRetry(6, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5), _time, _logger);
    }

    /// <summary>Blocks a batch's last block has on top before the handler sees it.</summary>
    public uint Confirmations { get; }

    /// <summary>The cursor's name.</summary>
    public string Name { get; }

    /// <summary>Where a watcher without a cursor starts.</summary>
    public ulong StartBlock { get; }

    /// <summary>
    /// Watches <typeparamref name="TEvent"/> (a generated <c>&lt;Name&gt;Event</c>) emitted by <paramref name="contract"/>.
    /// Subscribe before the first step: a subscription added later does not see the blocks already passed.
    /// </summary>
    /// <returns>This watcher, to chain subscriptions.</returns>
    public ChainWatcher Subscribe<TEvent>(string contract)
        where TEvent : IEventDTO, new()
    {
        ArgumentException.ThrowIfNullOrEmpty(contract);
        var topic = ABITypedRegistry.GetEvent<TEvent>().Sha3Signature.ToLowerInvariant();
        topic = topic.StartsWith("0x", StringComparison.Ordinal) ? topic : "0x" + topic;
        if (!_decoders.TryAdd((contract.ToLowerInvariant(), topic), log => log.DecodeEvent<TEvent>().Event))
        {
            throw new ArgumentException($"{typeof(TEvent).Name} of {contract} is already watched", nameof(contract));
        }

        return this;
    }

    /// <summary>
    /// Steps until cancelled: batch after batch while behind, then one poll every
    /// <see cref="ChainWatcherOptions.PollInterval"/>. A failing step (node down, database restarting, handler
    /// throwing) is logged and tried again with growing waits; <see cref="ChainReorganizationException"/> stops it.
    /// </summary>
    /// <exception cref="InvalidOperationException">No event is subscribed.</exception>
    /// <exception cref="ChainReorganizationException">No remembered block is on the chain any more.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        EnsureSubscribed();
        var delay = _options.PollInterval;
        while (!cancellationToken.IsCancellationRequested)
        {
            ChainWatcherStep step;
            try
            {
                step = await StepAsync(cancellationToken).ConfigureAwait(false);
                delay = _options.PollInterval;
            }
            catch (Exception e) when (e is not ChainReorganizationException && !cancellationToken.IsCancellationRequested)
            {
                _logger.LogWarning(e, "chain watcher {Watcher}: step failed ({Error}); trying again in {Delay} ms", Name, e.GetBaseException().Message, (int)delay.TotalMilliseconds);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay = delay * 2 > _options.MaxRetryDelay ? _options.MaxRetryDelay : delay * 2;
                continue;
            }

            if (step.Kind == ChainWatcherStepKind.Idle)
            {
                await Task.Delay(_options.PollInterval, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Steps until nothing new is confirmed (tests and command-line catch-up).</summary>
    /// <returns>The steps taken.</returns>
    public async Task<IReadOnlyList<ChainWatcherStep>> CatchUpAsync(CancellationToken cancellationToken = default)
    {
        var steps = new List<ChainWatcherStep>();
        while (true)
        {
            var step = await StepAsync(cancellationToken).ConfigureAwait(false);
            if (step.Kind == ChainWatcherStepKind.Idle)
            {
                return steps;
            }

            steps.Add(step);
        }
    }

    /// <summary>
    /// One step: roll the handler back if a remembered block left the chain, otherwise hand it the next confirmed range
    /// (if any), committing the handler's writes with the new cursor.
    /// </summary>
    /// <exception cref="ChainReorganizationException">No remembered block is on the chain any more.</exception>
    public async Task<ChainWatcherStep> StepAsync(CancellationToken cancellationToken = default)
    {
        EnsureSubscribed();
        var cursor = await _store.ReadAsync(Name, cancellationToken).ConfigureAwait(false) ?? await InitialCursorAsync(cancellationToken).ConfigureAwait(false);
        var head = await _logs.HeadAsync(cancellationToken).ConfigureAwait(false);

        // 1. Is every block we processed still on the chain? The newest one the node has answers for all below it.
        if (cursor.Blocks.Count > 0)
        {
            var i = cursor.Blocks.Count - 1;
            while (i >= 0 && cursor.Blocks[i].Number > head)
            {
                i--;
            }

            if (i >= 0 && await HashAsync(cursor.Blocks[i].Number, cancellationToken).ConfigureAwait(false) != cursor.Blocks[i].Hash)
            {
                return await RollBackAsync(cursor, i, cancellationToken).ConfigureAwait(false);
            }

            if (i < cursor.Blocks.Count - 1)
            {
                // The node is behind what we processed (a lagging node, or a shorter chain after a reorganization):
                // wait until it is past it again, when the hash check above decides.
                return ChainWatcherStep.Idle;
            }
        }

        // 2. The next confirmed range.
        if (head < (ulong)Confirmations || head - (ulong)Confirmations < cursor.NextBlock)
        {
            return ChainWatcherStep.Idle;
        }

        var from = cursor.NextBlock;
        var to = Math.Min(head - (ulong)Confirmations, from + _logs.CurrentRange - 1);
        var toHash = await HashAsync(to, cancellationToken).ConfigureAwait(false);
        var logs = await _logs.ReadAsync(Filter(), from, to, cancellationToken).ConfigureAwait(false);
        if (toHash is null || await HashAsync(to, cancellationToken).ConfigureAwait(false) != toHash || logs.Any(l => l.Removed))
        {
            // The chain moved under the read: the logs may mix two branches.
            return ChainWatcherStep.Conflict;
        }

        var events = new List<ChainEvent>(logs.Count);
        var remembered = new List<RememberedBlock>(cursor.Blocks);
        foreach (var log in logs)
        {
            var number = (ulong)log.BlockNumber.Value;
            if (number < from || number > to)
            {
                throw new InvalidDataException($"the node returned a log of block {number} for blocks {from}..{to}");
            }

            var blockHash = log.BlockHash.ToLowerInvariant();
            if (remembered.Count == 0 || remembered[^1].Number != number)
            {
                remembered.Add(new RememberedBlock(number, blockHash));
            }

            if (_decoders.TryGetValue((log.Address.ToLowerInvariant(), Topic0(log)), out var decode))
            {
                events.Add(new ChainEvent(decode(log), log.Address.ToLowerInvariant(), number, blockHash, log.TransactionHash,
                    (ulong)log.TransactionIndex.Value, (ulong)log.LogIndex.Value));
            }
        }

        if (remembered.Count == 0 || remembered[^1].Number != to)
        {
            remembered.Add(new RememberedBlock(to, toHash));
        }

        var next = new ChainCursor(to + 1, remembered.Count > _options.RememberedBlocks ? remembered[^_options.RememberedBlocks..] : remembered);
        var committed = await CommitAsync(cursor, next, (h, tx, ct) => h.HandleAsync(new ChainEventBatch(from, to, toHash, head, events), tx, ct), cancellationToken).ConfigureAwait(false);
        return committed ? new ChainWatcherStep(ChainWatcherStepKind.Handled, from, to, events.Count) : ChainWatcherStep.Conflict;
    }

    // Finds the newest remembered block still on the chain below index `changed` and rolls the handler back to it.
    private async Task<ChainWatcherStep> RollBackAsync(ChainCursor cursor, int changed, CancellationToken cancellationToken)
    {
        var fork = -1;
        for (var j = changed - 1; j >= 0; j--)
        {
            if (await HashAsync(cursor.Blocks[j].Number, cancellationToken).ConfigureAwait(false) == cursor.Blocks[j].Hash)
            {
                fork = j;
                break;
            }
        }

        if (fork < 0)
        {
            throw new ChainReorganizationException(
                $"chain watcher {Name}: none of the {cursor.Blocks.Count} blocks it remembers (from {cursor.Blocks[0].Number}) is on the chain any more; "
                + $"the reorganization is deeper than {ChainWatcherOptions.SectionName}:RememberedBlocks, or the node follows another chain");
        }

        var toBlock = cursor.Blocks[fork].Number;
        _logger.LogWarning("chain watcher {Watcher}: block {Block} changed hash (reorganization); rolling back to block {ToBlock}",
            Name, cursor.Blocks[changed].Number, toBlock);
        var next = new ChainCursor(toBlock + 1, cursor.Blocks.Take(fork + 1).ToList());
        var committed = await CommitAsync(cursor, next, (h, tx, ct) => h.RollbackAsync(toBlock, tx, ct), cancellationToken).ConfigureAwait(false);
        return committed ? new ChainWatcherStep(ChainWatcherStepKind.RolledBack, ToBlock: toBlock) : ChainWatcherStep.Conflict;
    }

    // The handler's writes and the new cursor in one transaction, if nobody moved the cursor since it was read.
    private async Task<bool> CommitAsync(ChainCursor read, ChainCursor next, Func<IChainEventHandler, IChainCursorTransaction, CancellationToken, Task> apply, CancellationToken cancellationToken)
    {
        await using var transaction = await _store.BeginAsync(Name, cancellationToken).ConfigureAwait(false);
        var current = await transaction.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (current is not null ? !current.SameAs(read) : read.NextBlock != StartBlock || read.Blocks.Count > 1)
        {
            _logger.LogInformation("chain watcher {Watcher}: the cursor moved meanwhile (another instance?); starting the step over", Name);
            return false;
        }

        await apply(_handler, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.WriteAsync(next, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    // A new watcher remembers the block before its start, so that even its first batch can be rolled back.
    private async Task<ChainCursor> InitialCursorAsync(CancellationToken cancellationToken)
    {
        if (StartBlock == 0)
        {
            return new ChainCursor(0, []);
        }

        var hash = await HashAsync(StartBlock - 1, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"chain watcher {Name} starts at block {StartBlock}, beyond the chain's head");
        return new ChainCursor(StartBlock, [new RememberedBlock(StartBlock - 1, hash)]);
    }

    private void EnsureSubscribed()
    {
        if (_decoders.Count == 0)
        {
            throw new InvalidOperationException($"chain watcher {Name} watches no events: call Subscribe first");
        }
    }

    private NewFilterInput Filter() => new()
    {
        Address = _decoders.Keys.Select(k => k.Address).Distinct().ToArray(),
        Topics = [_decoders.Keys.Select(k => k.Topic).Distinct().ToArray()],
    };

    private async Task<string?> HashAsync(ulong number, CancellationToken cancellationToken)
    {
        var block = await _retry.RunAsync($"eth_getBlockByNumber {number}",
            () => _web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(new BlockParameter(new HexBigInteger(number))), cancellationToken).ConfigureAwait(false);
        return block?.BlockHash?.ToLowerInvariant();
    }

    private static string Topic0(FilterLog log)
        => log.Topics is { Length: > 0 } topics ? (topics[0]?.ToString() ?? "").ToLowerInvariant() : "";
}
