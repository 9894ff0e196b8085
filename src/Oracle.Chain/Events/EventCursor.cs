using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;

namespace Oracle.Chain.Events;

/// <summary>
/// Reads one contract event in block order, a bounded range at a time, never past the latest block minus
/// <see cref="Confirmations"/>. A service persists <see cref="NextBlock"/> and resumes from it after a restart, so it
/// sees every event exactly once (as long as no reorganization is deeper than the confirmations).
/// </summary>
/// <typeparam name="TEvent">The generated <c>&lt;Name&gt;Event</c> type.</typeparam>
public sealed class EventCursor<TEvent>
    where TEvent : IEventDTO, new()
{
    private readonly IWeb3 _web3;
    private readonly Event<TEvent> _event;

    /// <summary>Starts a cursor at <paramref name="fromBlock"/> (the contract's deployment block, or a saved position).</summary>
    /// <param name="web3">A connection.</param>
    /// <param name="address">The contract.</param>
    /// <param name="fromBlock">The first block to read.</param>
    /// <param name="confirmations">Blocks to stay behind the head (0 on the local chain).</param>
    /// <param name="maxRange">The most blocks one request covers (nodes cap log queries).</param>
    public EventCursor(IWeb3 web3, string address, ulong fromBlock, uint confirmations = 0, ulong maxRange = 5_000)
    {
        ArgumentNullException.ThrowIfNull(web3);
        ArgumentOutOfRangeException.ThrowIfZero(maxRange);
        _web3 = web3;
        _event = web3.Eth.GetEvent<TEvent>(address);
        NextBlock = fromBlock;
        Confirmations = confirmations;
        MaxRange = maxRange;
    }

    /// <summary>The first block not read yet.</summary>
    public ulong NextBlock { get; private set; }

    /// <summary>Blocks the cursor stays behind the head.</summary>
    public uint Confirmations { get; }

    /// <summary>The most blocks one request covers.</summary>
    public ulong MaxRange { get; }

    /// <summary>Reads the events of the next range of confirmed blocks (empty when there is none yet).</summary>
    public async Task<IReadOnlyList<EventLog<TEvent>>> NextAsync(CancellationToken cancellationToken = default)
    {
        var head = (ulong)(await _web3.Eth.Blocks.GetBlockNumber.SendRequestAsync().WaitAsync(cancellationToken)).Value;
        if (head < Confirmations || head - Confirmations < NextBlock)
        {
            return [];
        }

        var to = Math.Min(head - Confirmations, NextBlock + MaxRange - 1);
        var filter = _event.CreateFilterInput(new BlockParameter(new HexBigInteger(NextBlock)), new BlockParameter(new HexBigInteger(to)));
        var logs = await _event.GetAllChangesAsync(filter).WaitAsync(cancellationToken);
        NextBlock = to + 1;
        return logs;
    }

    /// <summary>Reads every confirmed event up to the head.</summary>
    public async Task<IReadOnlyList<EventLog<TEvent>>> DrainAsync(CancellationToken cancellationToken = default)
    {
        var all = new List<EventLog<TEvent>>();
        while (true)
        {
            var before = NextBlock;
            all.AddRange(await NextAsync(cancellationToken));
            if (NextBlock == before)
            {
                return all;
            }
        }
    }
}
