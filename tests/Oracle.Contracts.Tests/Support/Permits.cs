using System.Numerics;
using Nethereum.ABI.EIP712;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Signer.EIP712;
using Oracle.Chain.Deployment;

namespace Oracle.Contracts.Tests.Support;

/// <summary>EIP-2612 permits for the VPN token.</summary>
internal static class Permits
{
    [Struct("Permit")]
    public sealed class Permit
    {
        [Parameter("address", "owner", 1)] public string Owner { get; set; } = "";
        [Parameter("address", "spender", 2)] public string Spender { get; set; } = "";
        [Parameter("uint256", "value", 3)] public BigInteger Value { get; set; }
        [Parameter("uint256", "nonce", 4)] public BigInteger Nonce { get; set; }
        [Parameter("uint256", "deadline", 5)] public BigInteger Deadline { get; set; }
    }

    public static TypedData<Domain> TypedData(BigInteger chainId, string token) => new()
    {
        Domain = new Domain { Name = "Oracle VPN Token", Version = "1", ChainId = chainId, VerifyingContract = token },
        Types = MemberDescriptionFactory.GetTypesMemberDescription(typeof(Domain), typeof(Permit)),
        PrimaryType = "Permit",
    };

    public static async Task<(byte V, byte[] R, byte[] S)> SignAsync(TestNetwork network, Actor owner, string spender, BigInteger value, BigInteger deadline)
    {
        var nonce = await owner.Token.NoncesQueryAsync(owner.Address);
        var permit = new Permit { Owner = owner.Address, Spender = spender, Value = value, Nonce = nonce, Deadline = deadline };
        var signature = Eip712TypedDataSigner.Current.SignTypedDataV4(permit, TypedData(network.Chain.ChainId, network.AddressOf(ContractNames.VpnToken)), owner.Key).HexToByteArray();
        return (signature[64], signature[..32], signature[32..64]);
    }
}
