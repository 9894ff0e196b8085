using System.Numerics;
using Oracle.Chain.Keys;
using Oracle.Core.Eip712;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;
using Oracle.Core.Policy;
using VpnGateway.Metering;
using VpnGateway.Metering.Exchange;
using VpnGateway.Tests.Metering.Support;

namespace VpnGateway.Tests.Metering;

/// <summary>The provider's and the client's metering of one session, over an in-memory control channel on a fake clock.</summary>
public sealed class SessionExchangeTests
{
    private const string Client = MeteringHarness.ClientTunnelAddress;
    private const string Server = "198.19.0.80";

    [Fact]
    public async Task Epoch_BothSidesSawTheSameTraffic_ClientVoucherCommitsToProviderRoot()
    {
        await using var h = await MeteringHarness.StartAsync();
        SendTraffic(h, flows: 20);
        h.Provider.Flows.OnForwarded([0x20, 0, 0, 0], 4, h.NowMs); // not IP: counted, dropped from metering

        await h.AdvanceAsync(TimeSpan.FromSeconds(16)); // idle timeout closes the flows, the epoch ends

        var batch = Assert.Single(h.ProviderSpool.Peek(long.MaxValue, 10));
        Assert.NotNull(batch.Voucher);
        Assert.Equal(batch.Checkpoint.TreeSize, batch.Voucher.LogSize);
        Assert.Equal(batch.Checkpoint.Root, batch.Voucher.LogRoot);
        Assert.Equal(h.Client.PaidLogRoot, batch.Checkpoint.Root);
        Assert.Equal(EvidenceBatchError.None, EvidenceBatchVerifier.Verify(batch).Error);
        var octets = batch.OpenRecords(h.ProviderSpool).Select(Decode).Sum(r => (long)r.Octets);
        Assert.Equal((ulong)octets, batch.Voucher.CumulativeBytes);
        Assert.Equal(VoucherPricing.AmountFor((ulong)octets, MeteringHarness.PricePerMiB), BigInteger.Parse(batch.Voucher.CumulativeAmount));
        Assert.Equal(40, batch.OpenRecords(h.ProviderSpool).Count); // 20 flows, both directions
        Assert.Equal(1, h.ProviderMetrics.Count(MeteringCounters.VouchersAccepted));
        Assert.Equal(80, h.ProviderMetrics.Count(MeteringCounters.Packets));
        Assert.Equal(1, h.ProviderMetrics.Count(MeteringCounters.MalformedPackets, "NotIp"));
        Assert.Equal(80, h.ClientMetrics.Count(MeteringCounters.Packets));
        Assert.Empty(h.ProviderTerminator.Terminated);
    }

    [Fact]
    public async Task Epoch_DeniedSmbAttempt_DeniedRecordWithRuleIdNotPaidFor()
    {
        await using var h = await MeteringHarness.StartAsync();
        SendTraffic(h, flows: 1);
        var syn = TestPackets.Tcp(Client, 50000, "198.19.0.5", 445, TestPackets.Syn);
        h.Client.Flows.OnForwarded(syn, syn.Length, h.NowMs); // the client sent it...
        h.Provider.Flows.OnDenied(syn, ruleId: 1, TrafficDirection.Outbound, h.NowMs); // ...the provider's policy (rule 1: no SMB) dropped it

        await h.AdvanceAsync(TimeSpan.FromSeconds(16));

        var batch = Assert.Single(h.ProviderSpool.Peek(long.MaxValue, 10));
        var denied = Assert.Single(batch.OpenRecords(h.ProviderSpool).Select(Decode), r => r.Verdict == FlowVerdict.Denied);
        Assert.Equal(1U, denied.RuleId);
        Assert.Equal(445, denied.DestinationPort);
        var leaf = batch.OpenRecords(h.ProviderSpool).Single(r => r[FlowRecordEncoding.VerdictOffset] == 1);
        Assert.Equal(1U, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(leaf.AsSpan(FlowRecordEncoding.RuleIdOffset)));
        Assert.NotNull(batch.Voucher);
        var allowed = batch.OpenRecords(h.ProviderSpool).Select(Decode).Where(r => r.Verdict == FlowVerdict.Allowed).Sum(r => (long)r.Octets);
        Assert.Equal((ulong)allowed, batch.Voucher.CumulativeBytes);
    }

    [Fact]
    public async Task Epochs_SeveralEpochs_VouchersCumulativeAndLogConsistent()
    {
        await using var h = await MeteringHarness.StartAsync(o => o.MaxRecordsPerCheckpoint = 7);
        var roots = new List<(ulong Size, byte[] Root)>();
        for (var epoch = 0; epoch < 3; epoch++)
        {
            SendTraffic(h, flows: 10, firstPort: 1000 * (epoch + 1));
            await h.AdvanceAsync(TimeSpan.FromSeconds(16));
        }

        var batches = h.ProviderSpool.Peek(long.MaxValue, 100);
        Assert.Equal(9, batches.Count); // 60 records, at most 7 per checkpoint, three epochs of 20
        var tree = new MerkleTree();
        ulong previousBytes = 0;
        foreach (var batch in batches)
        {
            Assert.Equal(tree.Size, batch.FirstLeafIndex);
            foreach (var record in batch.OpenRecords(h.ProviderSpool))
            {
                tree.Append(record);
            }

            Assert.Equal(tree.Root(), batch.Checkpoint.Root);
            Assert.NotNull(batch.Voucher);
            Assert.True(batch.Voucher.CumulativeBytes > previousBytes);
            previousBytes = batch.Voucher.CumulativeBytes;
        }
    }

    [Fact]
    public async Task Epoch_ProviderClaimsBytesTheClientNeverSaw_ClientDisputesAndKeepsEvidence()
    {
        await using var h = await MeteringHarness.StartAsync();
        SendTraffic(h, flows: 3);
        var extra = TestPackets.Udp(Server, 53, Client, 5000, payload: 1400);
        for (var i = 0; i < 100; i++)
        {
            h.Provider.Flows.OnForwarded(extra, extra.Length, h.NowMs); // inflated on the provider's side only
        }

        h.Client.Flows.OnForwarded(extra, extra.Length, h.NowMs); // the client saw one of them

        await h.AdvanceAsync(TimeSpan.FromSeconds(16));

        Assert.True(h.Client.Disputed);
        Assert.Equal(1, h.ClientMetrics.Count(MeteringCounters.ProviderMismatches, "OctetsExceeded"));
        var kept = Assert.Single(h.ClientSpool.DisputedEpochs(MeteringHarness.SessionId));
        Assert.Equal(EpochRejectionReason.OctetsExceeded, kept.Reason);
        Assert.Null(EvidenceMessageCodec.TryDecode(kept.Message, out EpochMessage? message));
        Assert.True(TypedDataSigner.Verify(message!.Checkpoint.ToCheckpoint(MeteringHarness.SessionId), MeteringHarness.Domain, message.Checkpoint.Signature, MeteringHarness.GatewayKey.GetPublicAddress()));
        Assert.Contains("seenOctets", kept.Observed, StringComparison.Ordinal);
        Assert.Single(h.ClientTerminator.Terminated);

        var batch = Assert.Single(h.ProviderSpool.Peek(long.MaxValue, 10));
        Assert.Null(batch.Voucher);
        Assert.Equal(EpochRejectionReason.OctetsExceeded, batch.Rejection!.Reason);
        Assert.Equal(1, h.ProviderMetrics.Count(MeteringCounters.EpochsRefusedByClient, "OctetsExceeded"));
    }

    [Fact]
    public async Task Epoch_ProviderFabricatesADeniedSmbRecord_ClientRejectsUnknownFlow()
    {
        await using var h = await MeteringHarness.StartAsync();
        SendTraffic(h, flows: 2);
        var framed = TestPackets.Tcp(Client, 50001, "198.19.0.5", 445, TestPackets.Syn);
        h.Provider.Flows.OnDenied(framed, ruleId: 1, TrafficDirection.Outbound, h.NowMs);

        await h.AdvanceAsync(TimeSpan.FromSeconds(16));

        Assert.True(h.Client.Disputed);
        Assert.Equal(EpochRejectionReason.UnknownFlow, Assert.Single(h.ClientSpool.DisputedEpochs(MeteringHarness.SessionId)).Reason);
        Assert.Equal(0, h.ClientMetrics.Count(MeteringCounters.VouchersSigned));
    }

    [Fact]
    public async Task Epoch_DeniedInboundPacketsTheClientCouldNotSee_AcceptedAndPaid()
    {
        // Issue 10 item 1: a host on the provider's side pings the client; the provider's guard drops it before the tunnel.
        await using var h = await MeteringHarness.StartAsync();
        SendTraffic(h, flows: 2);
        for (var i = 0; i < 50; i++)
        {
            var ping = TestPackets.Icmp("198.18.200.7", Client, 8, 0, payload: 56);
            h.Provider.Flows.OnDenied(ping, PolicyDecision.ProviderGuardRuleId, TrafficDirection.Inbound, h.NowMs);
        }

        await h.AdvanceAsync(TimeSpan.FromSeconds(16));

        Assert.False(h.Client.Disputed);
        Assert.Empty(h.ClientTerminator.Terminated);
        var batch = Assert.Single(h.ProviderSpool.Peek(long.MaxValue, 10));
        Assert.NotNull(batch.Voucher);
        var denied = Assert.Single(batch.OpenRecords(h.ProviderSpool).Select(Decode), r => r.Verdict == FlowVerdict.Denied);
        Assert.Equal(TrafficDirection.Inbound, denied.Direction);
        Assert.Equal(50UL, denied.Packets);
        Assert.Equal(batch.OpenRecords(h.ProviderSpool).Select(Decode).Where(r => r.Verdict == FlowVerdict.Allowed).Aggregate(0UL, (sum, r) => sum + r.Octets), batch.Voucher.CumulativeBytes);
    }

    [Fact]
    public async Task Epoch_DeniedInboundWithAWrongRule_VerdictMismatch()
    {
        await using var h = await MeteringHarness.StartAsync(dishonestProvider: true);
        SendTraffic(h, flows: 1);
        var ping = TestPackets.Icmp(Server, Client, 8, 0, payload: 56); // not guarded, no rule: the policy allows it
        h.Provider.Flows.OnDenied(ping, PolicyDecision.ProviderGuardRuleId, TrafficDirection.Inbound, h.NowMs);

        await h.AdvanceAsync(TimeSpan.FromSeconds(16));

        Assert.True(h.Client.Disputed);
        Assert.Equal(1, h.ClientMetrics.Count(MeteringCounters.ProviderMismatches, "VerdictMismatch"));
    }

    [Fact]
    public async Task Epoch_SmbSynsBilledAsAllowed_VerdictMismatchAndNoVoucher()
    {
        // Issue 10 item 16: 50 SYNs to port 445, which the policy denies, reported as allowed traffic to be paid for.
        await using var h = await MeteringHarness.StartAsync(dishonestProvider: true);
        SendTraffic(h, flows: 1);
        for (var i = 0; i < 50; i++)
        {
            h.Both(TestPackets.Tcp(Client, 41000 + i, "198.19.0.5", 445, TestPackets.Syn));
        }

        await h.AdvanceAsync(TimeSpan.FromSeconds(16));

        Assert.True(h.Client.Disputed);
        Assert.Equal(EpochRejectionReason.VerdictMismatch, Assert.Single(h.ClientSpool.DisputedEpochs(MeteringHarness.SessionId)).Reason);
        Assert.Equal(0, h.ClientMetrics.Count(MeteringCounters.VouchersSigned));
    }

    [Fact]
    public async Task Epoch_AllowedTrafficRelabelledAsDenied_VerdictMismatch()
    {
        await using var h = await MeteringHarness.StartAsync(dishonestProvider: true);
        var https = TestPackets.Tcp(Client, 40000, Server, 443, TestPackets.Syn);
        h.Client.Flows.OnForwarded(https, https.Length, h.NowMs);
        h.Provider.Flows.OnDenied(https, ruleId: 1, TrafficDirection.Outbound, h.NowMs); // framing: allowed traffic called a violation

        await h.AdvanceAsync(TimeSpan.FromSeconds(16));

        Assert.True(h.Client.Disputed);
        Assert.Equal(1, h.ClientMetrics.Count(MeteringCounters.ProviderMismatches, "VerdictMismatch"));
        Assert.Equal(0, h.ClientMetrics.Count(MeteringCounters.VouchersSigned));
    }

    [Fact]
    public async Task Epoch_InboundPacketCapturedThenDenied_ProviderNeverSignsItAsAllowed()
    {
        // The provider's capture counts an inbound packet before its policy denies it; when the epoch's checkpoint falls
        // between the two, the allowed flow was exported before the denial took it back out.
        await using var h = await MeteringHarness.StartAsync();
        SendTraffic(h, flows: 1);
        var ping = TestPackets.Icmp("198.18.200.7", Client, 8, 0, payload: 56);
        h.Provider.Flows.OnForwarded(ping, ping.Length, h.NowMs); // captured (inbound, before the policy)...
        await h.AdvanceAsync(TimeSpan.FromSeconds(10)); // ...an epoch ends...
        h.Provider.Flows.OnDenied(ping, PolicyDecision.ProviderGuardRuleId, TrafficDirection.Inbound, h.NowMs); // ...then the guard denies it
        await h.AdvanceAsync(TimeSpan.FromSeconds(16));

        Assert.False(h.Client.Disputed);
        Assert.All(h.ProviderSpool.Peek(long.MaxValue, 10), b => Assert.NotNull(b.Voucher));
        Assert.DoesNotContain(h.ProviderSpool.Peek(long.MaxValue, 10).SelectMany(b => b.OpenRecords(h.ProviderSpool)).Select(Decode), r => r.Protocol == 1 && r.Verdict == FlowVerdict.Allowed);
        Assert.Equal(1, h.ProviderMetrics.Count(MeteringCounters.RecordsRejected, "ContradictsPolicy"));
    }

    [Fact]
    public async Task Epoch_ProviderNetworksGrewDuringTheSession_GuardDenialsUnderTheNewContextAccepted()
    {
        await using var h = await MeteringHarness.StartAsync();
        SendTraffic(h, flows: 1);
        var grown = new PolicyContext([IpPrefix.Parse(MeteringHarness.ProviderNetwork), IpPrefix.Parse("198.19.0.0/24")]);
        await h.Provider.AddPolicyContextAsync(grown, CancellationToken.None); // the tunnel enforces it and declares it in SessionInfo...
        h.Client.AddPolicyContext(grown); // ...which reaches the client before the records made under it
        var syn = TestPackets.Tcp(Client, 40001, Server, 443, TestPackets.Syn);
        h.Client.Flows.OnForwarded(syn, syn.Length, h.NowMs);
        h.Provider.Flows.OnDenied(syn, PolicyDecision.ProviderGuardRuleId, TrafficDirection.Outbound, h.NowMs);

        await h.AdvanceAsync(TimeSpan.FromSeconds(16));

        Assert.False(h.Client.Disputed);
        Assert.Contains(Assert.Single(h.ProviderSpool.Peek(long.MaxValue, 10)).OpenRecords(h.ClientSpool).Select(Decode), r => r.Verdict == FlowVerdict.Denied && r.RuleId == PolicyDecision.ProviderGuardRuleId);
    }

    [Fact]
    public async Task Epoch_PolicyUnknown_RefusedAsUnverifiableWithoutAccusing()
    {
        await using var h = await MeteringHarness.StartAsync(session: s => s with { Policy = null });
        SendTraffic(h, flows: 1);

        await h.AdvanceAsync(TimeSpan.FromSeconds(16));

        Assert.True(h.Client.Disputed);
        Assert.Equal(1, h.ClientMetrics.Count(MeteringCounters.EpochsRejected, "Unverifiable"));
        Assert.Equal(0, h.ClientMetrics.Count(MeteringCounters.ProviderMismatches));
        Assert.Equal(0, h.ClientMetrics.Count(MeteringCounters.VouchersSigned));
        Assert.Contains("unverifiable", Assert.Single(h.ClientTerminator.Terminated).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Epoch_OneCapturedPacketLost_InflatedFlowStillRefused()
    {
        // Issue 10 item 10: one lost packet no longer switches the checks off; it allows at most one packet's worth more.
        await using var h = await MeteringHarness.StartAsync();
        h.Client.CaptureLoss = () => 1;
        SendTraffic(h, flows: 2);
        var big = TestPackets.Udp(Server, 53, Client, 5000, payload: 1400);
        h.Client.Flows.OnForwarded(big, big.Length, h.NowMs);
        for (var i = 0; i < 800; i++)
        {
            h.Provider.Flows.OnForwarded(big, big.Length, h.NowMs); // about 1.1 MB billed for one packet seen
        }

        await h.AdvanceAsync(TimeSpan.FromSeconds(16));

        Assert.True(h.Client.Disputed);
        Assert.Equal(1, h.ClientMetrics.Count(MeteringCounters.ProviderMismatches, "OctetsExceeded"));
        Assert.Equal(0, h.ClientMetrics.Count(MeteringCounters.VouchersSigned));
    }

    [Fact]
    public async Task Epoch_CaptureLostPacketsAndAnInventedSmbRecord_UnverifiableNoVoucherNoAccusation()
    {
        await using var h = await MeteringHarness.StartAsync();
        h.Client.CaptureLoss = () => 1;
        SendTraffic(h, flows: 2);
        var framed = TestPackets.Tcp(Client, 50001, "198.19.0.5", 445, TestPackets.Syn);
        h.Provider.Flows.OnDenied(framed, ruleId: 1, TrafficDirection.Outbound, h.NowMs);

        await h.AdvanceAsync(TimeSpan.FromSeconds(16));

        Assert.True(h.Client.Disputed);
        Assert.Equal(1, h.ClientMetrics.Count(MeteringCounters.EpochsRejected, "Unverifiable"));
        Assert.Equal(0, h.ClientMetrics.Count(MeteringCounters.ProviderMismatches));
        Assert.Equal(0, h.ClientMetrics.Count(MeteringCounters.VouchersSigned));
    }

    [Fact]
    public async Task Epoch_CaptureLostPackets_UnseenTrafficAllowedInProportion()
    {
        await using var h = await MeteringHarness.StartAsync();
        h.Client.CaptureLoss = () => 20;
        SendTraffic(h, flows: 2);
        var unseen = TestPackets.Udp(Client, 5300, Server, 53, payload: 1000);
        for (var i = 0; i < 100; i++)
        {
            h.Provider.Flows.OnForwarded(unseen, unseen.Length, h.NowMs); // 103 KB the client's capture may have dropped
        }

        await h.AdvanceAsync(TimeSpan.FromSeconds(16));

        Assert.False(h.Client.Disputed);
        Assert.NotNull(Assert.Single(h.ProviderSpool.Peek(long.MaxValue, 10)).Voucher);
    }

    [Fact]
    public async Task Epoch_SixteenKibAddedToEveryDnsFlow_OneAllowancePerSessionRefusesIt()
    {
        // Issue 10 item 11: 400 DNS-sized flows each billed 16 KiB more passed a per-flow allowance (+24,094 %).
        await using var h = await MeteringHarness.StartAsync(o => o.MaxRecordsPerCheckpoint = 1000);
        for (var i = 0; i < 400; i++)
        {
            var query = TestPackets.Udp(Client, 20000 + i, "198.19.0.53", 53, payload: 40);
            h.Both(query);
            var padding = TestPackets.Udp(Client, 20000 + i, "198.19.0.53", 53, payload: 16 * 1024 - 28);
            h.Provider.Flows.OnForwarded(padding, padding.Length, h.NowMs); // +16 KiB on the provider's side only
        }

        await h.AdvanceAsync(TimeSpan.FromSeconds(16));

        Assert.True(h.Client.Disputed);
        Assert.Equal(1, h.ClientMetrics.Count(MeteringCounters.ProviderMismatches, "OctetsExceeded"));
        Assert.Equal(0, h.ClientMetrics.Count(MeteringCounters.VouchersSigned));
    }

    [Fact]
    public async Task Epoch_InboundPacketsLostInTheTunnel_WithinTheSessionAllowance()
    {
        await using var h = await MeteringHarness.StartAsync();
        SendTraffic(h, flows: 5);
        var lost = TestPackets.Udp(Server, 53, Client, 5555, payload: 500); // a reply the tunnel lost: the client never saw its flow
        h.Provider.Flows.OnForwarded(lost, lost.Length, h.NowMs);

        await h.AdvanceAsync(TimeSpan.FromSeconds(16));

        Assert.False(h.Client.Disputed);
        Assert.NotNull(Assert.Single(h.ProviderSpool.Peek(long.MaxValue, 10)).Voucher);
    }

    [Fact]
    public async Task Epoch_OpenFlowAtTheEpochEnd_CheckpointedSoACrashLosesAtMostAnEpoch()
    {
        // Issue 10 item 6: a flow that never goes idle was only recorded at its 60 s active timeout; a crash lost it all.
        await using var h = await MeteringHarness.StartAsync();
        var bulk = TestPackets.Tcp(Server, 443, Client, 40000, TestPackets.Ack, payload: 1400);
        for (var second = 0; second < 9; second++)
        {
            for (var i = 0; i < 10; i++)
            {
                h.Both(bulk);
            }

            await h.AdvanceAsync(TimeSpan.FromSeconds(1.2)); // past the 10 s epoch, long before the idle or active timeout
        }

        var before = Assert.Single(h.ProviderSpool.Peek(long.MaxValue, 10));
        var exported = Assert.Single(before.OpenRecords(h.ProviderSpool).Select(Decode));
        Assert.Equal(FlowEndReason.ActiveTimeout, exported.EndReason);
        Assert.Equal(90UL, exported.Packets);
        Assert.NotNull(before.Voucher);

        for (var i = 0; i < 10; i++)
        {
            h.Both(bulk);
        }

        await h.RestartProviderAsync(); // a crash: the 10 packets since the epoch are lost, the 90 before are spooled and paid
        Assert.Equal(90UL, h.ProviderSpool.Peek(long.MaxValue, 10).SelectMany(b => b.OpenRecords(h.ProviderSpool)).Select(Decode).Aggregate(0UL, (sum, r) => sum + r.Packets));
    }

    [Fact]
    public async Task EvidenceKey_ProviderMakesOneAndTheClientKeepsIt_PublishedBatchesOpenWithItAndHoldNoPlaintext()
    {
        await using var h = await MeteringHarness.StartAsync();
        SendTraffic(h, flows: 3);
        await h.AdvanceAsync(TimeSpan.FromSeconds(16));
        SendTraffic(h, flows: 2, firstPort: 3000);
        await h.AdvanceAsync(TimeSpan.FromSeconds(16));

        var providerKey = h.ProviderSpool.EvidenceKey(MeteringHarness.SessionId)!.Value;
        var clientKey = h.ClientSpool.EvidenceKey(MeteringHarness.SessionId)!.Value;
        Assert.Equal(providerKey.Key, clientKey.Key);
        Assert.True(EvidenceKeyCommitment.Verify(MeteringHarness.SessionId, clientKey.Key, clientKey.Signature, MeteringHarness.Domain, MeteringHarness.GatewayKey.GetPublicAddress()));
        var batches = h.ProviderSpool.Peek(long.MaxValue, 10);
        Assert.Equal(2, batches.Count);
        Assert.All(batches, b => Assert.True(EvidenceBatchVerifier.Verify(b).IsValid));
        var entries = h.ProviderSpool.Entries();
        for (var i = 0; i < batches.Count; i++)
        {
            Assert.Equal(entries[i].Records, batches[i].OpenRecords(clientKey.Key)); // the client reads what the provider spooled
            var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(batches[i]);
            Assert.True(json.AsSpan().IndexOf(System.Net.IPAddress.Parse(Client).MapToIPv6().GetAddressBytes()) < 0);
            foreach (var record in entries[i].Records)
            {
                Assert.True(json.AsSpan().IndexOf(record.AsSpan(19, 36)) < 0, "a plaintext record's addresses are in the published batch");
            }
        }

        // Sent with every epoch until the client paid one, not after.
        Assert.Equal(1, h.ProviderChannel.Sent.Count(m => m.Type == EvidenceMessageType.EvidenceKey));
    }

    [Fact]
    public async Task EvidenceKey_ProviderRestarts_SameKeyAndTheClientKeepsPaying()
    {
        await using var h = await MeteringHarness.StartAsync();
        SendTraffic(h, flows: 2);
        await h.AdvanceAsync(TimeSpan.FromSeconds(16));
        var before = h.ProviderSpool.EvidenceKey(MeteringHarness.SessionId)!.Value.Key;

        await h.RestartProviderAsync();
        SendTraffic(h, flows: 2, firstPort: 5000);
        await h.AdvanceAsync(TimeSpan.FromSeconds(16));

        Assert.Equal(before, h.ProviderSpool.EvidenceKey(MeteringHarness.SessionId)!.Value.Key);
        Assert.All(h.ProviderSpool.Peek(long.MaxValue, 10), b => Assert.NotNull(b.Voucher));
        Assert.All(h.ProviderSpool.Peek(long.MaxValue, 10), b => Assert.Equal(b.SealedRecords.Count, b.OpenRecords(h.ClientSpool).Count));
    }

    [Fact]
    public async Task EvidenceKey_SignedByAnotherKey_IgnoredAndTheEpochUnverifiable()
    {
        await using var h = await MeteringHarness.StartAsync(withClient: false);
        var client = await VpnGateway.Metering.Client.ClientSessionMeter.StartAsync(h.Session, h.ClientChannel, h.ClientContext, CancellationToken.None);
        await using var _ = client;
        var key = RecordSealer.NewKey();
        var forged = new EvidenceKeyMessage(MeteringHarness.SessionId, key, EvidenceKeyCommitment.Sign(MeteringHarness.SessionId, key, MeteringHarness.Domain, DevelopmentKeys.Key(30)));

        h.ClientChannel.Deliver(EvidenceMessageType.EvidenceKey, EvidenceMessageCodec.Encode(forged));
        SendProviderOnly(h, flows: 1);
        h.ProviderChannel.Drop = true; // the provider's own key message never arrives
        await h.AdvanceAsync(TimeSpan.FromSeconds(16));
        h.ClientChannel.Deliver(EvidenceMessageType.Epoch, h.ProviderChannel.Sent.Last(m => m.Type == EvidenceMessageType.Epoch).Payload);
        await h.ClientChannel.SettleAsync();

        Assert.Equal(1, h.ClientMetrics.Count(MeteringCounters.ControlMessagesRejected, "BadEvidenceKey"));
        Assert.Null(h.ClientSpool.EvidenceKey(MeteringHarness.SessionId));
        Assert.Equal(1, h.ClientMetrics.Count(MeteringCounters.EpochsRejected, "Unverifiable"));
        Assert.Equal(0, h.ClientMetrics.Count(MeteringCounters.VouchersSigned));
    }

    [Fact]
    public async Task Rejection_ClientsDetailNamesAFlow_PublishedWithTheReasonOnly()
    {
        await using var h = await MeteringHarness.StartAsync();
        SendTraffic(h, flows: 1);
        var framed = TestPackets.Tcp(Client, 50001, "198.19.0.5", 445, TestPackets.Syn);
        h.Provider.Flows.OnDenied(framed, ruleId: 1, TrafficDirection.Outbound, h.NowMs);

        await h.AdvanceAsync(TimeSpan.FromSeconds(16));

        var batch = Assert.Single(h.ProviderSpool.Peek(long.MaxValue, 10));
        Assert.Equal(EpochRejectionReason.UnknownFlow, batch.Rejection!.Reason);
        Assert.Null(batch.Rejection.Detail);
    }

    [Fact]
    public async Task Epoch_ByteCountsWithinTolerance_Accepted()
    {
        await using var h = await MeteringHarness.StartAsync();
        var packet = TestPackets.Udp(Server, 53, Client, 5000, payload: 1000);
        for (var i = 0; i < 100; i++)
        {
            h.Provider.Flows.OnForwarded(packet, packet.Length, h.NowMs);
            if (i % 50 != 0)
            {
                h.Client.Flows.OnForwarded(packet, packet.Length, h.NowMs); // two packets lost inside the tunnel
            }
        }

        await h.AdvanceAsync(TimeSpan.FromSeconds(16));

        Assert.False(h.Client.Disputed);
        Assert.NotNull(Assert.Single(h.ProviderSpool.Peek(long.MaxValue, 10)).Voucher);
    }

    [Fact]
    public async Task Grace_ClientStopsSigning_ProviderCutsItOffAndPublishesWithoutVoucher()
    {
        await using var h = await MeteringHarness.StartAsync(o => o.VoucherGrace = TimeSpan.FromSeconds(30));
        h.ClientChannel.Drop = true;
        SendTraffic(h, flows: 2);
        await h.AdvanceAsync(TimeSpan.FromSeconds(16));
        Assert.Empty(h.ProviderSpool.Peek(h.NowMs, 10)); // waiting for the voucher

        await h.AdvanceAsync(TimeSpan.FromSeconds(20));
        Assert.Empty(h.ProviderTerminator.Terminated);
        await h.AdvanceAsync(TimeSpan.FromSeconds(11));

        var (session, reason) = Assert.Single(h.ProviderTerminator.Terminated);
        Assert.Equal(MeteringHarness.SessionId, session);
        Assert.Contains("no valid voucher", reason, StringComparison.Ordinal);
        Assert.Equal(1, h.ProviderMetrics.Count(MeteringCounters.SessionsCutOff));
        var batch = Assert.Single(h.ProviderSpool.Peek(h.NowMs, 10));
        Assert.Null(batch.Voucher);
        await h.AdvanceAsync(TimeSpan.FromSeconds(60));
        Assert.Single(h.ProviderTerminator.Terminated);
    }

    [Fact]
    public async Task Voucher_SignedByAnotherKey_RejectedAndCounted()
    {
        await using var h = await MeteringHarness.StartAsync(withClient: false);
        SendProviderOnly(h, flows: 2);
        await h.AdvanceAsync(TimeSpan.FromSeconds(16));
        var epoch = LastEpoch(h);

        h.ProviderChannel.Deliver(EvidenceMessageType.Voucher, Voucher(h, epoch, DevelopmentKeys.Key(30)));
        await h.ProviderChannel.SettleAsync();

        Assert.Equal(1, h.ProviderMetrics.Count(MeteringCounters.VouchersRejected, "BadSignature"));
        Assert.Null(h.ProviderSpool.Find(MeteringHarness.SessionId, epoch.Checkpoint.TreeSize)!.Value.Batch.Voucher);
    }

    [Fact]
    public async Task Voucher_Underpaid_Rejected()
    {
        await using var h = await MeteringHarness.StartAsync(withClient: false);
        SendProviderOnly(h, flows: 2);
        await h.AdvanceAsync(TimeSpan.FromSeconds(16));
        var epoch = LastEpoch(h);

        h.ProviderChannel.Deliver(EvidenceMessageType.Voucher, Voucher(h, epoch, MeteringHarness.ClientKey, amountDivisor: 2));
        await h.ProviderChannel.SettleAsync();

        Assert.Equal(1, h.ProviderMetrics.Count(MeteringCounters.VouchersRejected, "Underpaid"));
    }

    [Fact]
    public async Task Voucher_ReplayedAfterALaterOne_RejectedAsStale()
    {
        await using var h = await MeteringHarness.StartAsync(withClient: false);
        SendProviderOnly(h, flows: 2);
        await h.AdvanceAsync(TimeSpan.FromSeconds(16));
        var first = LastEpoch(h);
        var firstVoucher = Voucher(h, first, MeteringHarness.ClientKey);
        SendProviderOnly(h, flows: 2, firstPort: 3000);
        await h.AdvanceAsync(TimeSpan.FromSeconds(16));
        var second = LastEpoch(h);

        h.ProviderChannel.Deliver(EvidenceMessageType.Voucher, Voucher(h, second, MeteringHarness.ClientKey));
        h.ProviderChannel.Deliver(EvidenceMessageType.Voucher, firstVoucher);
        await h.ProviderChannel.SettleAsync();

        Assert.Equal(1, h.ProviderMetrics.Count(MeteringCounters.VouchersAccepted));
        Assert.Equal(1, h.ProviderMetrics.Count(MeteringCounters.VouchersRejected, "Stale"));
        Assert.All(h.ProviderSpool.Peek(h.NowMs, 10), b => Assert.True(b.Voucher is not null || b.Checkpoint.TreeSize < second.Checkpoint.TreeSize));
    }

    [Fact]
    public async Task Voucher_WithAnotherRoot_RejectedAsRootMismatch()
    {
        await using var h = await MeteringHarness.StartAsync(withClient: false);
        SendProviderOnly(h, flows: 2);
        await h.AdvanceAsync(TimeSpan.FromSeconds(16));
        var epoch = LastEpoch(h);

        h.ProviderChannel.Deliver(EvidenceMessageType.Voucher, Voucher(h, epoch, MeteringHarness.ClientKey, root: new byte[32]));
        await h.ProviderChannel.SettleAsync();

        Assert.Equal(1, h.ProviderMetrics.Count(MeteringCounters.VouchersRejected, "RootMismatch"));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { 9, 0, 0, 0, 0, 0, 0, 0, 42, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0 })]
    public async Task ControlMessages_Garbage_CountedNeverFatal(byte[] garbage)
    {
        await using var h = await MeteringHarness.StartAsync();
        SendTraffic(h, flows: 1);

        h.ProviderChannel.Deliver(EvidenceMessageType.Voucher, garbage);
        h.ProviderChannel.Deliver(EvidenceMessageType.EpochRejected, garbage);
        h.ProviderChannel.Deliver((EvidenceMessageType)77, garbage);
        h.ClientChannel.Deliver(EvidenceMessageType.Epoch, garbage);
        await h.AdvanceAsync(TimeSpan.FromSeconds(16));

        Assert.Equal(2, h.ProviderMetrics.Count(MeteringCounters.ControlMessagesRejected, "Malformed"));
        Assert.Equal(1, h.ProviderMetrics.Count(MeteringCounters.ControlMessagesRejected, "UnexpectedType"));
        Assert.Equal(1, h.ProviderMetrics.Count(MeteringCounters.ControlMessagesRejected, "UnknownSequence")); // the client's refusal of the garbage epoch
        Assert.Equal(1, h.ClientMetrics.Count(MeteringCounters.EpochsRejected, "Malformed"));
        Assert.False(h.Client.Disputed);
        Assert.NotNull(Assert.Single(h.ProviderSpool.Peek(long.MaxValue, 10)).Voucher); // the real epoch still went through
    }

    [Fact]
    public async Task ClientEpoch_OutOfOrder_RejectedWithoutDispute()
    {
        await using var h = await MeteringHarness.StartAsync();
        SendTraffic(h, flows: 1);
        await h.AdvanceAsync(TimeSpan.FromSeconds(16));
        var epoch = LastEpoch(h);

        h.ClientChannel.Deliver(EvidenceMessageType.Epoch, EvidenceMessageCodec.Encode(epoch with { Sequence = epoch.Sequence + 5 }));
        h.ClientChannel.Deliver(EvidenceMessageType.Epoch, EvidenceMessageCodec.Encode(epoch with { Sequence = epoch.Sequence + 1 })); // stale root: does not extend the log
        await h.ClientChannel.SettleAsync();

        Assert.Equal(2, h.ClientMetrics.Count(MeteringCounters.EpochsRejected, "OutOfOrder"));
        Assert.False(h.Client.Disputed);
        Assert.Empty(h.ClientSpool.DisputedEpochs(MeteringHarness.SessionId));
    }

    [Fact]
    public async Task ClientEpoch_CheckpointSignedByAnotherKey_Rejected()
    {
        await using var h = await MeteringHarness.StartAsync();
        h.ProviderChannel.Drop = true;
        SendTraffic(h, flows: 1);
        await h.AdvanceAsync(TimeSpan.FromSeconds(16));
        var epoch = LastEpoch(h);
        var forged = epoch.Checkpoint with { Signature = TypedDataSigner.Sign(epoch.Checkpoint.ToCheckpoint(MeteringHarness.SessionId), MeteringHarness.Domain, DevelopmentKeys.Key(31)) };

        h.ClientChannel.Deliver(EvidenceMessageType.Epoch, EvidenceMessageCodec.Encode(epoch with { Checkpoint = forged }));
        await h.ClientChannel.SettleAsync();

        Assert.Equal(1, h.ClientMetrics.Count(MeteringCounters.EpochsRejected, "BadCheckpointSignature"));
        Assert.Equal(0, h.ClientMetrics.Count(MeteringCounters.VouchersSigned));
    }

    [Fact]
    public async Task ClientEpoch_RecordsAlteredUnderTheSignedRoot_RootMismatchDispute()
    {
        await using var h = await MeteringHarness.StartAsync();
        h.ProviderChannel.Drop = true;
        SendTraffic(h, flows: 2);
        await h.AdvanceAsync(TimeSpan.FromSeconds(16));
        var epoch = LastEpoch(h);
        var altered = epoch.Records.Select(r => (byte[])r.Clone()).ToList();
        (altered[0], altered[1]) = (altered[1], altered[0]);

        h.ClientChannel.Deliver(EvidenceMessageType.Epoch, EvidenceMessageCodec.Encode(epoch with { Records = altered }));
        await h.ClientChannel.SettleAsync();

        Assert.True(h.Client.Disputed);
        Assert.Equal(1, h.ClientMetrics.Count(MeteringCounters.ProviderMismatches, "RootMismatch"));
    }

    [Fact]
    public async Task Restart_ProviderCrashesMidEpoch_LogContinuesAndClientKeepsPaying()
    {
        await using var h = await MeteringHarness.StartAsync();
        SendTraffic(h, flows: 3);
        await h.AdvanceAsync(TimeSpan.FromSeconds(16));
        var before = LastEpoch(h);
        SendTraffic(h, flows: 2, firstPort: 4000); // open flows at the crash: lost with the process

        await h.RestartProviderAsync();
        SendTraffic(h, flows: 2, firstPort: 5000);
        await h.AdvanceAsync(TimeSpan.FromSeconds(16));

        var batches = h.ProviderSpool.Peek(long.MaxValue, 10);
        Assert.Equal(2, batches.Count);
        Assert.All(batches, b => Assert.NotNull(b.Voucher));
        Assert.Equal(before.Checkpoint.TreeSize, batches[1].FirstLeafIndex);
        Assert.Equal(h.Client.PaidLogRoot, batches[1].Checkpoint.Root);
        Assert.False(h.Client.Disputed);
    }

    [Fact]
    public async Task Restart_ProviderCrashedBeforeTheVoucherArrived_ResendsAndGetsTheSameVoucher()
    {
        await using var h = await MeteringHarness.StartAsync();
        SendTraffic(h, flows: 3);
        h.ClientChannel.Drop = true; // the voucher is lost with the crash
        await h.AdvanceAsync(TimeSpan.FromSeconds(16));
        Assert.Null(Assert.Single(h.ProviderSpool.Peek(long.MaxValue, 10)).Voucher);

        h.ClientChannel.Drop = false;
        await h.RestartProviderAsync();
        await h.ClientChannel.SettleAsync();

        Assert.NotNull(Assert.Single(h.ProviderSpool.Peek(long.MaxValue, 10)).Voucher);
        Assert.Equal(1, h.ClientMetrics.Count(MeteringCounters.VouchersSigned));
    }

    [Fact]
    public async Task Close_SessionEnds_OpenFlowsGoIntoAFinalCheckpoint()
    {
        await using var h = await MeteringHarness.StartAsync();
        SendTraffic(h, flows: 4);
        h.Time.Advance(TimeSpan.FromSeconds(1));

        await h.Provider.CloseAsync(sessionEnded: true, CancellationToken.None);
        await h.ProviderChannel.SettleAsync();

        var batch = Assert.Single(h.ProviderSpool.Peek(long.MaxValue, 10));
        Assert.Equal(8, batch.OpenRecords(h.ProviderSpool).Count);
        Assert.All(batch.OpenRecords(h.ProviderSpool).Select(Decode), r => Assert.Equal(FlowEndReason.ForcedEnd, r.EndReason));
        Assert.NotNull(batch.Voucher); // the client's open flows count as seen
        Assert.True(h.Provider.IsSettled);
    }

    // What rate-limited packets did before they were reported (FlowTableTests.OnRateLimited_*: now they are left out, and
    // RateLimitMeteringTests checks the whole path on the real tunnel).
    [Fact]
    public async Task RateLimit_InboundDropsCountedByTheProviderOnly_TheClientDisputesTheBytes()
    {
        await using var h = await MeteringHarness.StartAsync();
        var down = TestPackets.Udp(Server, 53, Client, 5000, payload: 1372);
        for (var i = 0; i < 100; i++)
        {
            h.Provider.Flows.OnForwarded(down, down.Length, h.NowMs);
            if (i % 5 >= 3)
            {
                h.Client.Flows.OnForwarded(down, down.Length, h.NowMs);
            }
        }

        await h.AdvanceAsync(TimeSpan.FromSeconds(16));

        Assert.True(h.Client.Disputed);
        Assert.Equal(1, h.ClientMetrics.Count(MeteringCounters.ProviderMismatches, "OctetsExceeded"));
    }

    [Fact]
    public async Task Ending_LastCheckpoint_AnsweredByTheClientBeforeTheSessionGoes()
    {
        await using var h = await MeteringHarness.StartAsync();
        SendTraffic(h, flows: 3);
        h.Time.Advance(TimeSpan.FromSeconds(1));

        await h.Provider.CloseAsync(sessionEnded: true, CancellationToken.None);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var answered = await h.Provider.WaitForLastAnswerAsync(bound.Token);

        Assert.True(answered);
        var batch = Assert.Single(h.ProviderSpool.Peek(long.MaxValue, 10));
        Assert.Equal(batch.Checkpoint.TreeSize, batch.Voucher!.LogSize);
    }

    [Fact]
    public async Task Ending_ClientSilent_TheWaitEndsWithTheBound()
    {
        await using var h = await MeteringHarness.StartAsync();
        h.ClientChannel.Drop = true;
        SendTraffic(h, flows: 3);
        h.Time.Advance(TimeSpan.FromSeconds(1));

        await h.Provider.CloseAsync(sessionEnded: true, CancellationToken.None);
        using var bound = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var answered = await h.Provider.WaitForLastAnswerAsync(bound.Token);

        Assert.False(answered);
        Assert.Null(Assert.Single(h.ProviderSpool.Entries()).Batch!.Voucher);
    }

    [Fact]
    public async Task Grace_ClientWithholdsVouchers_ChecksEveryEpochButIsCutOff()
    {
        await using var h = await MeteringHarness.StartAsync(o =>
        {
            o.VoucherGrace = TimeSpan.FromSeconds(30);
            o.WithholdVouchers = true;
        });
        SendTraffic(h, flows: 2);

        await h.AdvanceAsync(TimeSpan.FromSeconds(16));
        await h.AdvanceAsync(TimeSpan.FromSeconds(31));

        Assert.Equal(1, h.ClientMetrics.Count(MeteringCounters.VouchersSigned));
        Assert.Equal(1, h.ClientMetrics.Count(MeteringCounters.VouchersWithheld));
        Assert.Equal(0, h.ProviderMetrics.Count(MeteringCounters.VouchersAccepted));
        Assert.Contains("no valid voucher", Assert.Single(h.ProviderTerminator.Terminated).Reason, StringComparison.Ordinal);
    }

    private static void SendTraffic(MeteringHarness h, int flows, int firstPort = 1000)
    {
        for (var f = 0; f < flows; f++)
        {
            h.Both(TestPackets.Tcp(Client, firstPort + f, Server, 443, TestPackets.Syn));
            h.Both(TestPackets.Tcp(Server, 443, Client, firstPort + f, TestPackets.Syn | TestPackets.Ack));
            h.Both(TestPackets.Tcp(Client, firstPort + f, Server, 443, TestPackets.Ack | TestPackets.Psh, payload: 300));
            h.Both(TestPackets.Tcp(Server, 443, Client, firstPort + f, TestPackets.Ack | TestPackets.Psh, payload: 1200));
        }
    }

    private static void SendProviderOnly(MeteringHarness h, int flows, int firstPort = 1000)
    {
        for (var f = 0; f < flows; f++)
        {
            var p = TestPackets.Udp(Client, firstPort + f, Server, 53, payload: 40);
            h.Provider.Flows.OnForwarded(p, p.Length, h.NowMs);
        }
    }

    private static EpochMessage LastEpoch(MeteringHarness h)
    {
        var (type, payload) = h.ProviderChannel.Sent.Last(m => m.Type == EvidenceMessageType.Epoch);
        Assert.Null(EvidenceMessageCodec.TryDecode(payload, out EpochMessage? message));
        return message!;
    }

    private static byte[] Voucher(MeteringHarness h, EpochMessage epoch, Nethereum.Signer.EthECKey key, int amountDivisor = 1, byte[]? root = null)
    {
        var bytes = (ulong)h.ProviderSpool.Peek(long.MaxValue, 100).Where(b => b.Checkpoint.TreeSize <= epoch.Checkpoint.TreeSize)
            .SelectMany(b => b.OpenRecords(h.ProviderSpool)).Select(Decode).Where(r => r.Verdict == FlowVerdict.Allowed).Sum(r => (long)r.Octets);
        var voucher = new Voucher
        {
            SessionId = MeteringHarness.SessionId,
            CumulativeAmount = VoucherPricing.AmountFor(bytes, MeteringHarness.PricePerMiB) / amountDivisor,
            CumulativeBytes = bytes,
            LogSize = epoch.Checkpoint.TreeSize,
            LogRoot = root ?? epoch.Checkpoint.Root,
        };
        return EvidenceMessageCodec.Encode(new VoucherMessage(MeteringHarness.SessionId, epoch.Sequence, SignedVoucher.From(voucher, TypedDataSigner.Sign(voucher, MeteringHarness.Domain, key))));
    }

    private static FlowRecord Decode(byte[] encoded)
    {
        Assert.Equal(FlowRecordError.None, FlowRecordEncoding.TryDecode(encoded, out var record));
        return record;
    }
}
