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
    /// <summary>The chain id of the local Hardhat network (the devnet's default).</summary>
    public static readonly BigInteger LocalChainId = 31337;

    /// <summary>
    /// The chain ids of local development networks, the only chains these keys may sign for: Hardhat's 31337 and the
    /// 1337 of geth's and Ganache's development modes (the devnet can run on either, so that tests prove nothing
    /// depends on one id).
    /// </summary>
    public static readonly IReadOnlySet<BigInteger> LocalChainIds = new HashSet<BigInteger> { 31337, 1337 };

    private static readonly Lazy<HashSet<string>> Addresses = new(() =>
        [.. Enumerable.Range(0, Count).Select(i => Key(i).GetPublicAddress().ToUpperInvariant())]);

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
    /// <c>"oracle devnet vrf key"</c> as a BN254 scalar. Public, like the accounts, so anyone can answer (and foresee,
    /// once a request's block is sealed) the draws of a network deployed with it: the deployer's fallback when no key is
    /// given, used by the gas benchmark. The devnet and the tests make a fresh key per network.
    /// </summary>
    public static VrfKey Vrf() => VrfKey.FromSecret(SHA256.HashData("oracle devnet vrf key"u8));

    /// <summary>Whether <paramref name="chainId"/> is a local development network's.</summary>
    public static bool IsLocal(BigInteger chainId) => LocalChainIds.Contains(chainId);

    /// <summary>Whether <paramref name="key"/> is one of the public development keys.</summary>
    public static bool IsDevelopmentKey(EthECKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Addresses.Value.Contains(key.GetPublicAddress().ToUpperInvariant());
    }

    /// <summary>Throws unless <paramref name="chainId"/> is a local network's.</summary>
    /// <exception cref="InvalidOperationException">A development key was about to be used on a real chain.</exception>
    public static void EnsureLocal(BigInteger chainId)
    {
        if (!IsLocal(chainId))
        {
            throw new InvalidOperationException($"development keys are public and only allowed on a local chain ({string.Join(" or ", LocalChainIds)}), not on chain {chainId}; use a keystore file");
        }
    }
}
