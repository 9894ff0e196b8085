using VpnGateway.Sessions;

namespace VpnGateway.Metering.Sessions;

/// <summary>
/// Where metering learns a session's terms: from the chain (<see cref="ChainSessionTerms"/>) for on-chain sessions,
/// from the configuration (<see cref="ConfiguredSessionTerms"/>) for pinned links.
/// </summary>
internal interface ISessionTermsSource
{
    /// <summary>The terms of <paramref name="session"/>, as seen by this gateway (its role and signing address).</summary>
    ValueTask<SessionTermsResult> GetAsync(GatewaySession session, CancellationToken cancellationToken);
}
