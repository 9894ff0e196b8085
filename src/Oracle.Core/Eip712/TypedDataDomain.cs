using System.Numerics;
using Nethereum.ABI.EIP712;

namespace Oracle.Core.Eip712;

/// <summary>
/// An EIP-712 domain: the contract name and version, the chain id and the verifying contract. Every Oracle
/// signature binds all four, so it cannot be replayed on another chain, against another contract or for another purpose.
/// </summary>
/// <param name="Name">The domain name, for example <c>Oracle SessionManager</c>.</param>
/// <param name="Version">The domain version, <c>1</c>.</param>
/// <param name="ChainId">The chain id.</param>
/// <param name="VerifyingContract">The contract that verifies the signature (0x-prefixed address).</param>
public sealed record TypedDataDomain(string Name, string Version, BigInteger ChainId, string VerifyingContract)
{
    /// <summary>The SessionManager's domain: vouchers and checkpoints.</summary>
    public static TypedDataDomain SessionManager(BigInteger chainId, string sessionManager)
        => new("Oracle SessionManager", "1", chainId, sessionManager);

    /// <summary>The DisputeManager's domain: dispute filings relayed for a party.</summary>
    public static TypedDataDomain DisputeManager(BigInteger chainId, string disputeManager)
        => new("Oracle DisputeManager", "1", chainId, disputeManager);

    /// <summary>The VPN token's domain: EIP-2612 permits.</summary>
    public static TypedDataDomain VpnToken(BigInteger chainId, string vpnToken)
        => new("Oracle VPN Token", "1", chainId, vpnToken);

    internal Domain ToNethereum() => new()
    {
        Name = Name,
        Version = Version,
        ChainId = ChainId,
        VerifyingContract = VerifyingContract,
    };
}
