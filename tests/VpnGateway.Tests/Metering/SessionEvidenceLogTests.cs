using Oracle.Core.Evidence;
using Oracle.Core.Merkle;
using Oracle.Core.Policy;
using VpnGateway.Metering.Provider;

namespace VpnGateway.Tests.Metering;

public sealed class SessionEvidenceLogTests
{
    [Fact]
    public void Append_RecordsThatFailToEncode_LeftOutWithReason()
    {
        var log = new SessionEvidenceLog(3);
        var good = Record(3, 100);
        var rejected = new List<string>();

        var closed = log.Append([good, good with { RuleId = 5 }, good with { SessionId = 4 }, good with { Packets = 0 }], 0, 4, 1_700_000_000, 0, (_, reason) => rejected.Add(reason));

        Assert.Equal(["RuleIdWithoutDenial", "OtherSession", "NoPackets"], rejected);
        Assert.Single(closed!.Records);
        Assert.Equal(1UL, log.TreeSize);
        Assert.Equal(MerkleHash.Leaf(FlowRecordEncoding.Encode(good)), closed.LeafHashes);
    }

    [Fact]
    public void Append_OnlyBadRecords_NoCheckpoint()
    {
        var log = new SessionEvidenceLog(3);

        Assert.Null(log.Append([Record(3, 100) with { Packets = 0 }], 0, 1, 1, 0, (_, _) => { }));
        Assert.Equal(0UL, log.Sequence);
    }

    [Fact]
    public void Append_DeniedRecords_NotCountedAsAllowedOctets()
    {
        var log = new SessionEvidenceLog(3);

        var closed = log.Append([Record(3, 100), Record(3, 60) with { Verdict = FlowVerdict.Denied, RuleId = 2 }], 0, 2, 10, 0, (_, _) => { });

        Assert.Equal(100UL, closed!.AllowedOctets);
        Assert.True(log.TryGetCheckpoint(1, out var size, out var octets));
        Assert.Equal((2UL, 100UL), (size, octets));
    }

    [Fact]
    public void Append_EpochTimeGoingBack_KeptMonotonic()
    {
        var log = new SessionEvidenceLog(3);
        log.Append([Record(3, 100)], 0, 1, 2000, 0, (_, _) => { });

        var closed = log.Append([Record(3, 100)], 0, 1, 1000, 0, (_, _) => { });

        Assert.Equal(2000UL, closed!.Checkpoint.EpochTime);
    }

    private static FlowRecord Record(ulong session, ulong octets) => new(session, FlowVerdict.Allowed, 0, TrafficDirection.Outbound, 4, 17, 0, FlowEndReason.IdleTimeout,
        IpNumber.MapIPv4(0xC6120002), IpNumber.MapIPv4(0xC6130001), 1000, 53, 1_700_000_000_000, 1_700_000_000_500, 1, octets, octets - 28);
}
