using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Contracts.OracleRegistry;
using Oracle.Chain.Events;
using OracleNode.Hosting;
using OracleNode.Storage;
using OracleNode.Watching;

namespace OracleNode.Tests.Storage;

/// <summary>What both stores must do; run against PostgreSQL and SQLite by the two subclasses.</summary>
public abstract class NodeStoreTests
{
    private const string Juror = "0x00000000000000000000000000000000000000a1";

    /// <summary>A fresh, initialized store; a second call with the same <paramref name="reuse"/> opens the same data.</summary>
    internal abstract Task<INodeStore> StoreAsync(string reuse);

    [Fact]
    public async Task TryAddJournal_SeatJournaledTwice_FirstVoteKept()
    {
        var store = await StoreAsync(Guid.NewGuid().ToString("N"));

        var first = await store.TryAddJournalAsync(Entry(vote: 1, salt: "0x01"), default);
        var second = await store.TryAddJournalAsync(Entry(vote: 2, salt: "0x02"), default);

        Assert.Equal(1, first.Vote);
        Assert.Equal(1, second.Vote);
        Assert.Equal("0x01", second.Salt);
    }

    [Fact]
    public async Task Journal_StoreOpenedAgain_VoteAndSaltStillThere()
    {
        var name = Guid.NewGuid().ToString("N");
        var store = await StoreAsync(name);
        await store.TryAddJournalAsync(Entry(vote: 2, salt: "0xabcdef"), default);

        var reopened = await StoreAsync(name);
        var entry = await reopened.JournalAsync(9, 1, "0xrecord", default);

        Assert.NotNull(entry);
        Assert.Equal(2, entry.Vote);
        Assert.Equal("0xabcdef", entry.Salt);
    }

    [Fact]
    public async Task MarkCommittedAndRevealed_Twice_FirstTimesKept()
    {
        var store = await StoreAsync(Guid.NewGuid().ToString("N"));
        await store.TryAddJournalAsync(Entry(1, "0x01"), default);

        await store.MarkCommittedAsync(9, 1, "0xrecord", 100, "0xc1", default);
        await store.MarkCommittedAsync(9, 1, "0xrecord", 200, "0xc2", default);
        await store.MarkRevealedAsync(9, 1, "0xrecord", 300, "0xr1", default);
        var entry = (await store.JournalAsync(9, 1, "0xrecord", default))!;

        Assert.Equal(100, entry.CommittedAt);
        Assert.Equal("0xc1", entry.CommitTransaction);
        Assert.Equal(300, entry.RevealedAt);
    }

    [Fact]
    public async Task Alert_SameKindAndSeatTwice_RaisedOnce()
    {
        var store = await StoreAsync(Guid.NewGuid().ToString("N"));

        Assert.True(await store.AlertAsync("missed-reveal", 4, 0, "first", 1, default));
        Assert.False(await store.AlertAsync("missed-reveal", 4, 0, "again", 2, default));
        Assert.True(await store.AlertAsync("missed-reveal", 4, 1, "next round", 3, default));
        Assert.True(await store.AlertAsync("not-an-oracle", null, null, "no dispute", 4, default));
        Assert.False(await store.AlertAsync("not-an-oracle", null, null, "no dispute again", 5, default));

        Assert.Equal(3, (await store.AlertsAsync(10, default)).Count);
    }

    [Fact]
    public async Task Projection_EventsApplied_DisputeRoundsCommitteeAndStakes()
    {
        var store = await StoreAsync(Guid.NewGuid().ToString("N"));

        await ApplyAsync(store, Filed(1, block: 10), Started(1, 0, block: 10), Drawn(1, 0, block: 11), Staked("0x00000000000000000000000000000000000000b1", 5, block: 12), Staked("0x00000000000000000000000000000000000000b1", 7, block: 13));

        var dispute = Assert.Single(await store.ActiveDisputesAsync(default));
        Assert.Equal(1UL, dispute.Id);
        Assert.Equal(3, dispute.ClaimType);
        Assert.Equal(Record(1).SessionId, (ulong)dispute.SessionId);
        Assert.Equal(DisputeRecords.Encode(Record(1)), dispute.Record);
        Assert.Equal(Record(1).Respondent.ToLowerInvariant(), dispute.Decode().Respondent.ToLowerInvariant());
        var committee = Assert.Single(await store.CommitteesAsync(1, default));
        Assert.Equal(2, committee.SeatsOf(Juror));
        Assert.Equal(3, committee.Members.Count);
        Assert.Equal("7", Assert.Single(await store.StakesAsync(default)).Stake);
    }

    [Fact]
    public async Task Rollback_ToForkBlock_RemovesLaterRowsAndKeepsTheJournal()
    {
        var store = await StoreAsync(Guid.NewGuid().ToString("N"));
        await ApplyAsync(store, Filed(1, block: 10), Started(1, 0, block: 10), Drawn(1, 0, block: 12), Filed(2, block: 13), Staked("0x00000000000000000000000000000000000000b1", 5, block: 9), Staked("0x00000000000000000000000000000000000000b1", 9, block: 14));
        await store.TryAddJournalAsync(Entry(1, "0x01"), default);

        await using (var connection = await store.OpenAsync(default))
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await new NodeProjection(new NodeMetrics()).RollbackAsync(11, connection, transaction, default);
            await transaction.CommitAsync();
        }

        Assert.Equal([1UL], (await store.ActiveDisputesAsync(default)).Select(d => d.Id));
        Assert.Empty(await store.CommitteesAsync(1, default));
        Assert.Single(await store.RoundsAsync(1, default));
        Assert.Equal("5", Assert.Single(await store.StakesAsync(default)).Stake);
        Assert.NotNull(await store.JournalAsync(9, 1, "0xrecord", default));
    }

    [Fact]
    public async Task Apply_SameEventTwice_StoredOnce()
    {
        var store = await StoreAsync(Guid.NewGuid().ToString("N"));

        await ApplyAsync(store, Filed(1, block: 10), Drawn(1, 0, block: 11));
        await ApplyAsync(store, Filed(1, block: 10), Drawn(1, 0, block: 11));

        Assert.Single(await store.ActiveDisputesAsync(default));
        Assert.Single(await store.CommitteesAsync(1, default));
    }

    [Fact]
    public async Task MarkFinished_Dispute_NoLongerActive()
    {
        var store = await StoreAsync(Guid.NewGuid().ToString("N"));
        await ApplyAsync(store, Filed(1, block: 10), Filed(2, block: 11));

        await store.MarkFinishedAsync(1, 5, default);

        Assert.Equal([2UL], (await store.ActiveDisputesAsync(default)).Select(d => d.Id));
        Assert.Equal(2, (await store.DisputesAsync(10, default)).Count);
    }

    private static async Task ApplyAsync(INodeStore store, params ChainEvent[] events)
    {
        await using var connection = await store.OpenAsync(default);
        await using var transaction = await connection.BeginTransactionAsync();
        await new NodeProjection(new NodeMetrics()).ApplyAsync(events, connection, transaction, default);
        await transaction.CommitAsync();
    }

    private static JournalEntry Entry(long vote, string salt) => new()
    {
        DisputeId = 9,
        Round = 1,
        RecordHash = "0xrecord",
        Juror = Juror,
        Vote = vote,
        Salt = salt,
        Commitment = "0xc0ffee",
        Rule = "§8.3 test",
        Reasons = "[\"a\"]",
        DecidedAt = 42,
    };

    private static Dispute Record(ulong id) => new()
    {
        SessionId = 100 + id,
        Filer = "0x00000000000000000000000000000000000000F1",
        Respondent = "0x00000000000000000000000000000000000000E1",
        ClaimType = 3,
        RuleId = 0,
        EvidenceVerified = false,
        FiledAt = 1_700_000_000,
        EvidenceHash = new byte[32],
        Penalty = BigInteger.Pow(10, 20),
        RecordHash = new byte[32],
    };

    private static ChainEvent Filed(ulong id, ulong block)
        => Event(new DisputeFiledEvent { DisputeId = id, SessionId = 100 + id, Filer = Record(id).Filer, Dispute = Record(id), EvidenceUri = "data:application/json;base64,e30=" }, block);

    private static ChainEvent Started(ulong id, byte round, ulong block)
        => Event(new RoundStartedEvent { DisputeId = id, Round = round, Size = 3, SnapshotEpoch = 1, RandomnessRequest = 5 }, block);

    private static ChainEvent Drawn(ulong id, byte round, ulong block)
        => Event(new CommitteeDrawnEvent { DisputeId = id, Round = round, Committee = [Juror, "0x00000000000000000000000000000000000000B2", Juror], CommitDeadline = 100, RevealDeadline = 200, AppealDeadline = 300 }, block);

    private static ChainEvent Staked(string oracle, long stake, ulong block)
        => Event(new StakedEvent { Oracle = oracle, Payer = oracle, Amount = stake, Stake = stake }, block);

    private static int _logIndex;

    private static ChainEvent Event(IEventDTO e, ulong block)
        => new(e, "0x0000000000000000000000000000000000000001", block, "0x" + block.ToString("x64", System.Globalization.CultureInfo.InvariantCulture), "0x" + new string('a', 64), 0, (ulong)Interlocked.Increment(ref _logIndex));
}
