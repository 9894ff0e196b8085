using System.Globalization;
using System.Numerics;
using VpnGateway.Sessions;

namespace VpnGateway.Metering.Sessions;

/// <summary>
/// Terms of pinned links (site-to-site partners who agreed out of band): the price from <c>Metering:PricePerMiB</c>, the
/// provider (client side) from <c>Metering:ProviderAddress</c>, the client from the pinned session.
/// </summary>
internal sealed class ConfiguredSessionTerms(MeteringOptions options, string signerAddress) : ISessionTermsSource
{
    public ValueTask<SessionTermsResult> GetAsync(GatewaySession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!BigInteger.TryParse(options.PricePerMiB, NumberStyles.None, CultureInfo.InvariantCulture, out var price))
        {
            return ValueTask.FromResult(SessionTermsResult.Refused($"Metering:PricePerMiB '{options.PricePerMiB}' is not a non-negative integer"));
        }

        if (session.Role == GatewayRole.Provider)
        {
            return ValueTask.FromResult(SessionTermsResult.Found(new SessionTerms(session.ClientAddress, signerAddress, price)));
        }

        return ValueTask.FromResult(options.ProviderAddress is { Length: > 0 } provider
            ? SessionTermsResult.Found(new SessionTerms(signerAddress, provider, price))
            : SessionTermsResult.Refused("Metering:ProviderAddress is not set, so the provider's checkpoints cannot be checked (pinned link; on-chain sessions read it from the chain)"));
    }
}
