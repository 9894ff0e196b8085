using System.Numerics;
using Nethereum.Signer;
using Nethereum.Util;
using Oracle.Core.Eip712;

namespace Oracle.Core.Tests.Eip712;

public sealed class TypedDataSignerTests
{
    private static readonly TypedDataDomain Domain = TypedDataDomain.SessionManager(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
    private static readonly EthECKey Client = new(Convert.FromHexString("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"), true);

    private static Voucher SampleVoucher() => new()
    {
        SessionId = 7,
        CumulativeAmount = BigInteger.Parse("1500000000000000000", System.Globalization.CultureInfo.InvariantCulture),
        CumulativeBytes = 123_456_789,
        LogSize = 42,
        LogRoot = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(),
    };

    private static byte[] Keccak(params byte[][] parts) => Sha3Keccack.Current.CalculateHash(parts.SelectMany(p => p).ToArray());

    private static byte[] Word(BigInteger value) => value.ToByteArray(isUnsigned: true, isBigEndian: true) is var b ? [.. new byte[32 - b.Length], .. b] : [];

    private static byte[] Utf8(string s) => System.Text.Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Hash_Voucher_EqualsTheEip712DefinitionComputedByHand()
    {
        // EIP-712 spelled out: keccak256("\x19\x01" ‖ domainSeparator ‖ hashStruct(voucher)).
        var domainType = Keccak(Utf8("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"));
        var domainSeparator = Keccak(domainType, Keccak(Utf8("Oracle SessionManager")), Keccak(Utf8("1")), Word(31337),
            [.. new byte[12], .. Convert.FromHexString("5FbDB2315678afecb367f032d93F642f64180aa3")]);
        var voucher = SampleVoucher();
        var typeHash = Keccak(Utf8("Voucher(uint64 sessionId,uint256 cumulativeAmount,uint64 cumulativeBytes,uint64 logSize,bytes32 logRoot)"));
        var structHash = Keccak(typeHash, Word(voucher.SessionId), Word(voucher.CumulativeAmount), Word(voucher.CumulativeBytes), Word(voucher.LogSize), voucher.LogRoot);
        var expected = Keccak([0x19, 0x01], domainSeparator, structHash);

        Assert.Equal(domainSeparator, TypedDataSigner.DomainSeparator(Domain));
        Assert.Equal(typeHash, TypedDataSigner.TypeHash<Voucher>());
        Assert.Equal(expected, TypedDataSigner.Hash(voucher, Domain));
    }

    [Fact]
    public void EncodedType_EveryMessage_NamesItsFieldsInOrder()
    {
        Assert.Equal("Voucher(uint64 sessionId,uint256 cumulativeAmount,uint64 cumulativeBytes,uint64 logSize,bytes32 logRoot)", TypedDataSigner.EncodedType<Voucher>());
        Assert.Equal("Checkpoint(uint64 sessionId,uint64 treeSize,bytes32 root,uint64 epochTime,uint64 captureDrops)", TypedDataSigner.EncodedType<Checkpoint>());
        Assert.Equal("Filing(uint64 sessionId,uint8 claimType,uint32 ruleId,bytes32 evidenceHash,string evidenceUri,bytes32 proofHash,bytes32 panelHash,uint256 nonce,uint64 deadline)", TypedDataSigner.EncodedType<Filing>());
        Assert.Equal("PanelAcceptance(address client,uint96 penalty,uint8 committeeSize,bytes32 panelHash,uint64 deadline)", TypedDataSigner.EncodedType<PanelAcceptance>());
    }

    [Fact]
    public void Recover_SignedVoucher_ReturnsTheSigner()
    {
        var voucher = SampleVoucher();
        var signature = TypedDataSigner.Sign(voucher, Domain, Client);
        Assert.Equal(Client.GetPublicAddress(), TypedDataSigner.Recover(voucher, Domain, signature));
        Assert.True(TypedDataSigner.Verify(voucher, Domain, signature, Client.GetPublicAddress().ToLowerInvariant()));
    }

    [Fact]
    public void Recover_OtherChainContractOrMessage_DoesNotReturnTheSigner()
    {
        var voucher = SampleVoucher();
        var signature = TypedDataSigner.Sign(voucher, Domain, Client);
        var signer = Client.GetPublicAddress();

        Assert.NotEqual(signer, TypedDataSigner.Recover(voucher, Domain with { ChainId = 1 }, signature));
        Assert.NotEqual(signer, TypedDataSigner.Recover(voucher, Domain with { VerifyingContract = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" }, signature));
        Assert.NotEqual(signer, TypedDataSigner.Recover(voucher, TypedDataDomain.DisputeManager(31337, Domain.VerifyingContract), signature));
        voucher.CumulativeAmount += 1;
        Assert.NotEqual(signer, TypedDataSigner.Recover(voucher, Domain, signature));
    }

    [Fact]
    public void Recover_SameFieldsUnderAnotherType_DoesNotReturnTheSigner()
    {
        // A checkpoint signature must never pass as a voucher, even with the same numbers.
        var checkpoint = new Checkpoint { SessionId = 7, TreeSize = 42, Root = new byte[32], EpochTime = 1, CaptureDrops = 0 };
        var signature = TypedDataSigner.Sign(checkpoint, Domain, Client);
        var voucher = new Voucher { SessionId = 7, CumulativeAmount = 42, CumulativeBytes = 0, LogSize = 1, LogRoot = new byte[32] };
        Assert.NotEqual(Client.GetPublicAddress(), TypedDataSigner.Recover(voucher, Domain, signature));
    }

    [Theory]
    [InlineData("0x")]
    [InlineData("0x1234")]
    [InlineData("not hex")]
    public void Recover_MalformedSignature_ReturnsNull(string signature)
        => Assert.Null(TypedDataSigner.Recover(SampleVoucher(), Domain, signature));

    [Fact]
    public void Recover_HighSTwinOfAValidSignature_ReturnsNull()
    {
        var voucher = SampleVoucher();
        var signature = Convert.FromHexString(TypedDataSigner.Sign(voucher, Domain, Client)[2..]);
        var n = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);
        var s = new BigInteger(signature.AsSpan(32, 32), isUnsigned: true, isBigEndian: true);
        var twin = signature.ToArray();
        Word(n - s).CopyTo(twin, 32);
        twin[64] = (byte)(signature[64] == 27 ? 28 : 27);

        Assert.Null(TypedDataSigner.Recover(voucher, Domain, "0x" + Convert.ToHexString(twin)));
    }

    [Fact]
    public void Verify_SignerInAnySpelling_TrueAndNethereumAgrees()
    {
        var voucher = SampleVoucher();
        var signature = TypedDataSigner.Sign(voucher, Domain, Client);
        var signer = Client.GetPublicAddress();

        Assert.True(TypedDataSigner.Verify(voucher, Domain, signature, signer));
        Assert.True(TypedDataSigner.Verify(voucher, Domain, signature, signer.ToLowerInvariant()));
        Assert.True(TypedDataSigner.Verify(voucher, Domain, signature, "0X" + signer[2..].ToUpperInvariant()));
        Assert.True(TypedDataSigner.Verify(voucher, Domain, signature[2..], signer[2..]));
        // The same digest and signature recover to the same signer through Nethereum's own recovery.
        Assert.Equal(signer, new MessageSigner().EcRecover(TypedDataSigner.Hash(voucher, Domain), signature));
    }

    [Theory]
    [InlineData("0x")]
    [InlineData("0x1234")]
    [InlineData("not an address")]
    [InlineData("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb9226")] // 39 digits
    [InlineData("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb922660")] // 41 digits
    [InlineData("0x70997970C51812dc3A010C7d01b50e0d17dc79C8")] // another account
    public void Verify_OtherOrMalformedSigner_False(string expected)
    {
        var voucher = SampleVoucher();
        Assert.False(TypedDataSigner.Verify(voucher, Domain, TypedDataSigner.Sign(voucher, Domain, Client), expected));
    }

    [Theory]
    [InlineData("0x")]
    [InlineData("not hex")]
    [InlineData("0x1234")]
    public void Verify_MalformedSignature_False(string signature)
        => Assert.False(TypedDataSigner.Verify(SampleVoucher(), Domain, signature, Client.GetPublicAddress()));

    [Fact]
    public void Verify_HighSTwinOrOtherMessage_False()
    {
        var voucher = SampleVoucher();
        var signature = Convert.FromHexString(TypedDataSigner.Sign(voucher, Domain, Client)[2..]);
        var n = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);
        var twin = signature.ToArray();
        Word(n - new BigInteger(signature.AsSpan(32, 32), isUnsigned: true, isBigEndian: true)).CopyTo(twin, 32);
        twin[64] = (byte)(signature[64] == 27 ? 28 : 27);
        var other = SampleVoucher();
        other.CumulativeBytes++;

        Assert.False(TypedDataSigner.Verify(voucher, Domain, "0x" + Convert.ToHexString(twin), Client.GetPublicAddress()));
        Assert.False(TypedDataSigner.Verify(other, Domain, "0x" + Convert.ToHexString(signature), Client.GetPublicAddress()));
    }
}
