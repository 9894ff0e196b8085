using Nethereum.Signer;
using Oracle.Core.Eip712;

namespace VpnGateway.Metering.Signing;

/// <summary>An <see cref="IEvidenceSigner"/> holding the key in memory (loaded from a keystore file by the host).</summary>
public sealed class KeyEvidenceSigner : IEvidenceSigner
{
    private readonly EthECKey _key;

    /// <summary>Signs under <paramref name="domain"/> with <paramref name="key"/>.</summary>
    public KeyEvidenceSigner(EthECKey key, TypedDataDomain domain)
    {
        _key = key ?? throw new ArgumentNullException(nameof(key));
        Domain = domain ?? throw new ArgumentNullException(nameof(domain));
        Address = key.GetPublicAddress();
    }

    /// <summary>The domain every signature binds.</summary>
    public TypedDataDomain Domain { get; }

    /// <inheritdoc/>
    public string Address { get; }

    /// <inheritdoc/>
    public string Sign<T>(T message)
        where T : class
        => TypedDataSigner.Sign(message, Domain, _key);
}
