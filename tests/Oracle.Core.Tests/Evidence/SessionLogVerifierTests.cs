using Oracle.Chain.Keys;
using Oracle.Core.Eip712;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;
using Oracle.Core.Policy;

namespace Oracle.Core.Tests.Evidence;

public sealed class SessionLogVerifierTests
{
    private const ulong SessionId = 21;
    private static readonly TypedDataDomain Domain = TypedDataDomain.SessionManager(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
    private static readonly Nethereum.Signer.EthECKey GatewayKey = DevelopmentKeys.Key(5);
    private static readonly Nethereum.Signer.EthECKey ClientKey = DevelopmentKeys.Key(6);
    private static readonly SessionLogParties Parties = new(SessionId, Domain, GatewayKey.GetPublicAddress(), ClientKey.GetPublicAddress());

    [Fact]
    public void AppendRecords_ThreeEpochs_FollowsTheProvidersLogAndAllowedOctets()
    {
        var session = new Session();
        var verifier = new SessionLogVerifier(Parties);

        for (var e = 0; e < 3; e++)
        {
            var epoch = session.Epoch(records: 2 + e);
            var result = verifier.AppendRecords(epoch.First, epoch.Records, epoch.Checkpoint);
            Assert.True(result.IsValid, result.Detail);
            Assert.Equal(epoch.Records.Count, result.Records.Count);
        }

        Assert.Equal(session.Tree.Size, verifier.TreeSize);
        Assert.Equal(session.Tree.Root(), verifier.Root());
        Assert.Equal(session.AllowedOctets, verifier.AllowedOctets);
        Assert.Equal(3, verifier.Checkpoints.Count);
    }

    [Fact]
    public void AppendRecords_EachForgery_RefusedAndTheLogUnchanged()
    {
        var session = new Session();
        var verifier = new SessionLogVerifier(Parties);
        var first = session.Epoch(records: 2);
        Assert.True(verifier.AppendRecords(first.First, first.Records, first.Checkpoint).IsValid);
        var head = verifier.Head();
        var epoch = session.Epoch(records: 3);
        var swapped = epoch.Records.ToList();
        (swapped[0], swapped[2]) = (swapped[2], swapped[0]);
        var corrupt = epoch.Records.Select(r => (byte[])r.Clone()).ToList();
        corrupt[1][0] = 7;
        var foreign = FlowRecordEncoding.Encode(FlowRecordEncodingTests.ValidRecord() with { SessionId = SessionId + 1 });

        Assert.Equal(SessionLogError.NotAnExtension, verifier.AppendRecords(epoch.First + 1, epoch.Records, epoch.Checkpoint).Error);
        Assert.Equal(SessionLogError.NotAnExtension, verifier.AppendRecords(epoch.First, epoch.Records.Take(2).ToList(), epoch.Checkpoint).Error);
        Assert.Equal(SessionLogError.NotAnExtension, verifier.AppendRecords(epoch.First, [], epoch.Checkpoint with { TreeSize = epoch.First }).Error);
        Assert.Equal(SessionLogError.TimeReversed, verifier.AppendRecords(epoch.First, epoch.Records, session.Sign(epoch.Checkpoint with { EpochTime = 1 })).Error);
        Assert.Equal(SessionLogError.BadRecord, verifier.AppendRecords(epoch.First, corrupt, epoch.Checkpoint).Error);
        Assert.Equal(SessionLogError.RecordOfOtherSession, verifier.AppendRecords(epoch.First, [foreign, .. epoch.Records.Skip(1)], epoch.Checkpoint).Error);
        Assert.Equal(SessionLogError.BadCheckpointSignature, verifier.AppendRecords(epoch.First, epoch.Records, epoch.Checkpoint with { CaptureDrops = 9 }).Error);
        Assert.Equal(SessionLogError.RootMismatch, verifier.AppendRecords(epoch.First, swapped, epoch.Checkpoint).Error);
        Assert.Equal(SessionLogError.Malformed, verifier.AppendRecords(epoch.First, epoch.Records, epoch.Checkpoint with { Root = new byte[31] }).Error);

        Assert.Equal(head, verifier.Head());
        Assert.True(verifier.AppendRecords(epoch.First, epoch.Records, epoch.Checkpoint).IsValid);
    }

    [Fact]
    public void CheckVoucher_ClientsVoucherForACheckpoint_ValidAndEachForgeryNamed()
    {
        var session = new Session();
        var verifier = new SessionLogVerifier(Parties);
        var epoch = session.Epoch(records: 4);
        verifier.AppendRecords(epoch.First, epoch.Records, epoch.Checkpoint);
        var voucher = session.Voucher(ClientKey);

        Assert.True(verifier.CheckVoucher(voucher, pricePerMiB: Session.Price).IsValid);
        Assert.Equal(SessionLogError.VoucherForUnknownCheckpoint, verifier.CheckVoucher(voucher with { LogSize = 1 }).Error);
        Assert.Equal(SessionLogError.VoucherRootMismatch, verifier.CheckVoucher(voucher with { LogRoot = new byte[32] }).Error);
        Assert.Equal(SessionLogError.VoucherBytesMismatch, verifier.CheckVoucher(session.Voucher(ClientKey, extraBytes: 1)).Error);
        Assert.Equal(SessionLogError.VoucherUnderpaid, verifier.CheckVoucher(session.Voucher(ClientKey, amountDivisor: 2), Session.Price).Error);
        Assert.Equal(SessionLogError.BadVoucherSignature, verifier.CheckVoucher(session.Voucher(GatewayKey)).Error);
        Assert.Equal(SessionLogError.Malformed, verifier.CheckVoucher(voucher with { CumulativeAmount = "lots" }).Error);
    }

    [Fact]
    public void Resume_FromACompactRange_ContinuesWithLeafHashesOnly()
    {
        var session = new Session();
        var epoch1 = session.Epoch(records: 5);
        var range = session.Tree.CompactRange(session.Tree.Size);
        var epoch2 = session.Epoch(records: 3);
        var verifier = SessionLogVerifier.Resume(Parties, range, epoch1.Checkpoint.EpochTime, allowedOctets: null);
        var hashes = epoch2.Records.Select(r => MerkleHash.Leaf(r)).ToList();

        Assert.Equal(SessionLogError.RootMismatch, verifier.AppendLeafHashes(epoch2.First, [.. hashes.AsEnumerable().Reverse()], epoch2.Checkpoint).Error);
        var result = verifier.AppendLeafHashes(epoch2.First, hashes, epoch2.Checkpoint);

        Assert.True(result.IsValid, result.Detail);
        Assert.Empty(result.Records);
        Assert.Null(verifier.AllowedOctets);
        Assert.Equal(session.Tree.Root(), verifier.Root());
        Assert.True(verifier.CheckVoucher(session.Voucher(ClientKey)).IsValid); // no byte check without the records
    }

    /// <summary>A provider's session log built epoch by epoch with real signatures.</summary>
    private sealed class Session
    {
        public static readonly System.Numerics.BigInteger Price = 1_000_000_000_000;
        private readonly Random _random = new(3);
        private ulong _time = 1_700_000_000;

        public MerkleTree Tree { get; } = new();

        public ulong AllowedOctets { get; private set; }

        public (ulong First, List<byte[]> Records, SignedCheckpoint Checkpoint) Epoch(int records)
        {
            var first = Tree.Size;
            var list = new List<byte[]>();
            for (var i = 0; i < records; i++)
            {
                var record = FlowRecordEncodingTests.ValidRecord() with
                {
                    SessionId = SessionId,
                    SourcePort = (ushort)_random.Next(1024, 65535),
                    Verdict = i % 3 == 2 ? FlowVerdict.Denied : FlowVerdict.Allowed,
                    RuleId = i % 3 == 2 ? 7U : 0,
                    Octets = (ulong)_random.Next(1000, 9000),
                };
                var encoded = FlowRecordEncoding.Encode(record);
                Tree.Append(encoded);
                list.Add(encoded);
                AllowedOctets += record.Verdict == FlowVerdict.Allowed ? record.Octets : 0;
            }

            _time += 10;
            return (first, list, Sign(new SignedCheckpoint { TreeSize = Tree.Size, Root = Tree.Root(), EpochTime = _time, CaptureDrops = 0, Signature = "" }));
        }

        public SignedCheckpoint Sign(SignedCheckpoint checkpoint)
            => checkpoint with { Signature = TypedDataSigner.Sign(checkpoint.ToCheckpoint(SessionId), Domain, GatewayKey) };

        public SignedVoucher Voucher(Nethereum.Signer.EthECKey key, ulong extraBytes = 0, int amountDivisor = 1)
        {
            var bytes = AllowedOctets + extraBytes;
            var voucher = new Voucher { SessionId = SessionId, CumulativeAmount = VoucherPricing.AmountFor(bytes, Price) / amountDivisor, CumulativeBytes = bytes, LogSize = Tree.Size, LogRoot = Tree.Root() };
            return SignedVoucher.From(voucher, TypedDataSigner.Sign(voucher, Domain, key));
        }
    }
}
