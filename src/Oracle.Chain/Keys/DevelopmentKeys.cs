using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Nethereum.Signer;
using Oracle.Core.Randomness;

namespace Oracle.Chain.Keys;

/// <summary>
/// The local network's well-known development keys: key <c>i</c> is SHA-256 of the UTF-8 text
/// <c>"oracle devnet account &lt;i&gt;"</c>, the same derivation contracts/hardhat.config.cjs funds.
/// They are public: code refuses them on any chain but the local one.
/// </summary>
public static class DevelopmentKeys
{
    /// <summary>The chain id of the local Hardhat network, the only chain these keys may sign for.</summary>
    public static readonly BigInteger LocalChainId = 31337;

    /// <summary>How many accounts the local node funds.</summary>
    public const int Count = 64;

    /// <summary>Development key number <paramref name="index"/>.</summary>
    public static EthECKey Key(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var seed = SHA256.HashData(Encoding.UTF8.GetBytes("oracle devnet account " + index.ToString(CultureInfo.InvariantCulture)));
        return new EthECKey(seed, isPrivate: true);
    }

    /// <summary>
    /// The local network's VRF proving key (LocalVrfCoordinator): SHA-256 of the UTF-8 text
    /// <c>"oracle devnet vrf key"</c> as a BN254 scalar. Public, like the accounts: the devnet's draws are as unpredictable
    /// as a public key holder allows, which is enough for development only.
    /// </summary>
    public static VrfKey Vrf() => VrfKey.FromSecret(SHA256.HashData("oracle devnet vrf key"u8));

    /// <summary>Throws unless <paramref name="chainId"/> is the local network's.</summary>
    /// <exception cref="InvalidOperationException">A development key was about to be used on a real chain.</exception>
    public static void EnsureLocal(BigInteger chainId)
    {
        if (chainId != LocalChainId)
        {
            throw new InvalidOperationException($"development keys are public and only allowed on the local chain {LocalChainId}, not on chain {chainId}; use a keystore file");
        }
    }
}
