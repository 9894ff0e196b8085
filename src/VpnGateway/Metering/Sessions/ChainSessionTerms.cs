using System.Collections.Concurrent;
using Nethereum.Util;
using Nethereum.Web3;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Errors;
using Oracle.Chain.Sessions;
using VpnGateway.Sessions;

namespace VpnGateway.Metering.Sessions;

/// <summary>
/// Terms of on-chain sessions, as the SessionManager committed them when the session opened (its SessionOpened event,
/// checked against the contract's commitment by <see cref="SessionReader"/>): the client, the provider and the price per
/// MiB. The provider's gateway must be the session's provider and a client the session's client (each signs with that
/// key); a client also checks in the ProviderRegistry that its provider is still registered (its bond answers for it).
/// Terms never change, so they are read once per session.
/// </summary>
internal sealed class ChainSessionTerms(IWeb3 web3, string sessionManager, string providerRegistry, string signerAddress, ulong fromBlock = 0,
    ulong maxLogRange = Oracle.Chain.Events.LogRangeReader.DefaultMaxRange) : ISessionTermsSource
{
    private readonly SessionReader _reader = new(web3, sessionManager, fromBlock, maxLogRange);
    private readonly ProviderRegistryService _registry = new(web3, providerRegistry);
    private readonly ConcurrentDictionary<ulong, SessionRecord> _opened = new();

    public async ValueTask<SessionTermsResult> GetAsync(GatewaySession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        try
        {
            if (!_opened.TryGetValue(session.SessionId, out var record))
            {
                var found = await _reader.FindAsync(session.SessionId, cancellationToken).ConfigureAwait(false);
                if (found is null)
                {
                    return SessionTermsResult.Refused($"session {session.SessionId} was not opened in the SessionManager at {sessionManager}");
                }

                record = found.Value.Record;
                _opened[session.SessionId] = record;
            }

            var terms = record.Terms;
            var (self, party) = session.Role == GatewayRole.Provider ? (terms.Provider, "provider") : (terms.Client, "client");
            if (!AddressUtil.Current.AreAddressesTheSame(self, signerAddress))
            {
                return SessionTermsResult.Refused($"session {session.SessionId}'s {party} is {self}, but this gateway signs as {signerAddress}");
            }

            if (session.Role == GatewayRole.Client)
            {
                var provider = (await _registry.GetProviderQueryAsync(terms.Provider, null, cancellationToken).ConfigureAwait(false)).P;
                if (provider.Status == 0)
                {
                    return SessionTermsResult.Refused($"provider {terms.Provider} of session {session.SessionId} is no longer registered in the ProviderRegistry");
                }
            }

            return SessionTermsResult.Found(new SessionTerms(
                AddressUtil.Current.ConvertToChecksumAddress(terms.Client),
                AddressUtil.Current.ConvertToChecksumAddress(terms.Provider),
                terms.PricePerMiB) { OnChain = true });
        }
        catch (InvalidDataException e)
        {
            return SessionTermsResult.Refused(e.Message);
        }
        catch (Exception e) when (ChainErrors.IsUnavailable(e))
        {
            return SessionTermsResult.Unavailable($"the chain did not answer: {e.Message}");
        }
    }
}
