using System.Numerics;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.Model;
using Nethereum.Util;
using Oracle.Chain.Errors;

namespace Oracle.Chain.Tests.Errors;

public sealed class ContractErrorDecoderTests
{
    private static string Encode(string signature, params (string Type, object Value)[] args)
    {
        var selector = Sha3Keccack.Current.CalculateHash(signature)[..8];
        var encoded = new ParametersEncoder().EncodeParameters(args.Select((a, i) => new Parameter(a.Type, "p" + i, i + 1)).ToArray(), args.Select(a => a.Value).ToArray());
        return "0x" + selector + Convert.ToHexStringLower(encoded);
    }

    [Fact]
    public void Decode_SessionManagerError_NamesItAndItsArguments()
    {
        var data = Encode("SessionVoucherMismatch(uint64,uint64)", ("uint64", (ulong)3), ("uint64", (ulong)4));

        var error = ContractErrorDecoder.Decode(data);

        Assert.Equal("SessionVoucherMismatch", error.Name);
        Assert.Equal(new BigInteger(4), (BigInteger)error["voucherSessionId"]!);
    }

    [Theory]
    [InlineData("DisputeWrongPhase(uint64,uint8)")]
    [InlineData("OracleRegistryInsufficientFreeStake(uint256,uint256)")]
    [InlineData("EvidenceNoEquivocation()")]
    [InlineData("ExchangeStalePrice(address,uint256)")]
    [InlineData("StakeTreeOverflow()")]
    [InlineData("RandomnessNotReady(uint256,uint256)")]
    public void Decode_EveryContractsErrors_AreKnown(string signature)
    {
        var types = signature[(signature.IndexOf('(', StringComparison.Ordinal) + 1)..^1].Split(',', StringSplitOptions.RemoveEmptyEntries);
        var args = types.Select(t => (t, t == "address" ? (object)"0x0000000000000000000000000000000000000001" : (object)BigInteger.One)).ToArray();

        var error = ContractErrorDecoder.Decode(Encode(signature, args));

        Assert.Equal(signature[..signature.IndexOf('(', StringComparison.Ordinal)], error.Name);
    }

    [Fact]
    public void Decode_UnknownSelector_IsUnknownNotAnException()
    {
        Assert.Equal(ContractError.UnknownName, ContractErrorDecoder.Decode("0xdeadbeef").Name);
        Assert.Equal(ContractError.UnknownName, ContractErrorDecoder.Decode(null).Name);
    }
}
