namespace VpnGateway.Metering.Signing;

/// <summary>Signs EIP-712 messages under one domain (the session's SessionManager) with this gateway's key.</summary>
public interface IEvidenceSigner
{
    /// <summary>The signer's checksummed address.</summary>
    string Address { get; }

    /// <summary>The 65-byte signature of <paramref name="message"/>, 0x-prefixed hex.</summary>
    string Sign<T>(T message)
        where T : class;
}
