using Oracle.Chain.Keys;
using Oracle.Core.Evidence;

namespace Oracle.Core.Tests.Evidence;

public sealed class EvidenceKeyDisclosureTests
{
    private const string Manager = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

    [Fact]
    public void SealOpen_ToAnOraclesKey_OnlyThatOracleOpensIt()
    {
        var oracle = DevelopmentKeys.Key(20);
        var other = DevelopmentKeys.Key(21);
        var key = RecordSealer.NewKey();
        var context = new EvidenceKeyContext(31337, Manager, 42, oracle.GetPublicAddress());

        var disclosure = EvidenceKeyDisclosure.Seal(key, oracle.GetPubKeyNoPrefix(), context);

        Assert.Equal(EvidenceKeyDisclosure.Size, disclosure.Length);
        Assert.Null(EvidenceKeyDisclosure.TryOpen(disclosure, oracle, context, out var opened));
        Assert.Equal(key, opened);
        Assert.NotNull(EvidenceKeyDisclosure.TryOpen(disclosure, other, context with { Recipient = other.GetPublicAddress() }, out _));
        Assert.NotNull(EvidenceKeyDisclosure.TryOpen(disclosure, oracle, context with { SessionId = 43 }, out _));
        Assert.NotNull(EvidenceKeyDisclosure.TryOpen(disclosure, oracle, context with { ChainId = 1 }, out _));
        Assert.NotNull(EvidenceKeyDisclosure.TryOpen(disclosure, other, context, out _));
        var flipped = (byte[])disclosure.Clone();
        flipped[^1] ^= 1;
        Assert.NotNull(EvidenceKeyDisclosure.TryOpen(flipped, oracle, context, out _));
    }

    [Fact]
    public void Seal_PublicKeyOfAnotherAddress_Refused()
    {
        var oracle = DevelopmentKeys.Key(20);
        var context = new EvidenceKeyContext(31337, Manager, 42, oracle.GetPublicAddress());

        Assert.Throws<ArgumentException>(() => EvidenceKeyDisclosure.Seal(RecordSealer.NewKey(), DevelopmentKeys.Key(21).GetPubKeyNoPrefix(), context));
        Assert.Throws<ArgumentException>(() => EvidenceKeyDisclosure.Seal(RecordSealer.NewKey(), new byte[64], context));
    }

    [Fact]
    public void Seal_CompressedOrPrefixedKey_Accepted()
    {
        var oracle = DevelopmentKeys.Key(20);
        var context = new EvidenceKeyContext(31337, Manager, 42, oracle.GetPublicAddress());
        var key = RecordSealer.NewKey();

        var disclosure = EvidenceKeyDisclosure.Seal(key, oracle.GetPubKey(), context);

        Assert.Null(EvidenceKeyDisclosure.TryOpen(disclosure, oracle, context, out var opened));
        Assert.Equal(key, opened);
    }

    [Fact]
    public void Commitment_ProviderSignsTheKey_VerifiesOnlyForThatKeySessionAndProvider()
    {
        var provider = DevelopmentKeys.Key(22);
        var domain = Oracle.Core.Eip712.TypedDataDomain.SessionManager(31337, Manager);
        var key = RecordSealer.NewKey();

        var signature = EvidenceKeyCommitment.Sign(42, key, domain, provider);

        Assert.True(EvidenceKeyCommitment.Verify(42, key, signature, domain, provider.GetPublicAddress()));
        Assert.False(EvidenceKeyCommitment.Verify(42, RecordSealer.NewKey(), signature, domain, provider.GetPublicAddress()));
        Assert.False(EvidenceKeyCommitment.Verify(43, key, signature, domain, provider.GetPublicAddress()));
        Assert.False(EvidenceKeyCommitment.Verify(42, key, signature, domain, DevelopmentKeys.Key(23).GetPublicAddress()));
        Assert.False(EvidenceKeyCommitment.Verify(42, key.AsSpan(1), signature, domain, provider.GetPublicAddress()));
    }
}
