using VpnGateway.Sessions;

namespace VpnGateway.Metering.Sessions;

/// <summary>Asks the source chosen for the session's role (a gateway is provider or client, each with its own directory).</summary>
internal sealed class RoleSessionTerms(ISessionTermsSource provider, ISessionTermsSource client) : ISessionTermsSource
{
    public ValueTask<SessionTermsResult> GetAsync(GatewaySession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        return (session.Role == GatewayRole.Provider ? provider : client).GetAsync(session, cancellationToken);
    }
}
