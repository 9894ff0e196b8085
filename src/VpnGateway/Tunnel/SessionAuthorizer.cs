using Nethereum.Util;
using Oracle.Core.Eip712;
using VpnGateway.Crypto;
using VpnGateway.Providers;
using VpnGateway.Protocol;

namespace VpnGateway.Tunnel;

/// <summary>
/// Decides whether an initiator that completed the Noise part may use the session it names: the session must exist
/// in the directory, name this provider, be open and have a policy this gateway holds; the initiator must prove the
/// session's client address with a TunnelAuthorization signature over its tunnel key (or, for a pinned session, use
/// the pinned tunnel key).
/// </summary>
internal sealed class SessionAuthorizer(IProviderDirectory directory, ServerOptions options, TimeProvider time)
{
    public async ValueTask<AuthorizationResult> AuthorizeAsync(InitiationPayloadLayout payload, byte[] initiatorStatic, CancellationToken cancellationToken)
    {
        if (!Enum.IsDefined(payload.Suite))
        {
            return AuthorizationResult.Reject(HandshakeStatus.UnsupportedCipher, $"cipher suite {(byte)payload.Suite} unsupported");
        }

        return Authorize(payload, initiatorStatic, await directory.GetSessionAsync(payload.SessionId, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// The decision for a handshake given the directory's answer about its session (looked up beforehand, off the
    /// handshake path): everything else is checked here, locally.
    /// </summary>
    public AuthorizationResult Authorize(InitiationPayloadLayout payload, byte[] initiatorStatic, Lookup<SessionRecord> lookup)
    {
        if (!Enum.IsDefined(payload.Suite))
        {
            return AuthorizationResult.Reject(HandshakeStatus.UnsupportedCipher, $"cipher suite {(byte)payload.Suite} unsupported");
        }

        switch (lookup.Status)
        {
            case LookupStatus.NotFound:
                return AuthorizationResult.Reject(HandshakeStatus.UnknownSession, $"session {payload.SessionId} does not exist");
            case LookupStatus.Unavailable:
                return AuthorizationResult.Reject(HandshakeStatus.DirectoryUnavailable, $"directory unavailable: {lookup.Detail}");
        }

        var session = lookup.Value!;
        if (session.Provider is not null && (options.ProviderAddress is null || !AddressUtil.Current.AreAddressesTheSame(session.Provider, options.ProviderAddress)))
        {
            return AuthorizationResult.Reject(HandshakeStatus.WrongProvider, $"session {payload.SessionId} belongs to provider {session.Provider}");
        }

        if (!session.IsOpen)
        {
            return AuthorizationResult.Reject(HandshakeStatus.SessionNotOpen, $"session {payload.SessionId} is not open");
        }

        string? clientAddress = null;
        var authorized = (payload.Flags & InitiationPayloadLayout.FlagAuthorized) != 0;
        if (session.ClientTunnelKey is { } pinned)
        {
            if (!System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(pinned, initiatorStatic))
            {
                return AuthorizationResult.Reject(HandshakeStatus.NotPermitted, $"session {payload.SessionId} is pinned to another tunnel key");
            }

            if (authorized && session.Client is not null)
            {
                var check = VerifySignature(payload, initiatorStatic, session.Client);
                if (check is not null)
                {
                    return check;
                }
            }

            clientAddress = session.Client;
        }
        else
        {
            if (!authorized || session.Client is null)
            {
                return AuthorizationResult.Reject(HandshakeStatus.BadAuthorization, "no TunnelAuthorization signature");
            }

            var check = VerifySignature(payload, initiatorStatic, session.Client);
            if (check is not null)
            {
                return check;
            }

            clientAddress = AddressUtil.Current.ConvertToChecksumAddress(session.Client);
        }

        var hash = "0x" + Convert.ToHexStringLower(session.PolicyHash);
        if (!options.Policies.TryGetValue(hash, out var policy))
        {
            return AuthorizationResult.Reject(HandshakeStatus.UnknownPolicy, $"no policy document with hash {hash} is configured");
        }

        return new AuthorizationResult(HandshakeStatus.Accepted, session, policy, clientAddress, "accepted");
    }

    private AuthorizationResult? VerifySignature(InitiationPayloadLayout payload, byte[] initiatorStatic, string expectedClient)
    {
        if (payload.NotAfter < (ulong)time.GetUtcNow().ToUnixTimeSeconds())
        {
            return AuthorizationResult.Reject(HandshakeStatus.AuthorizationExpired, "the TunnelAuthorization expired");
        }

        if (options.SessionManager is null)
        {
            return AuthorizationResult.Reject(HandshakeStatus.BadAuthorization, "this gateway has no SessionManager address to verify signatures against");
        }

        var authorization = new TunnelAuthorization
        {
            SessionId = payload.SessionId,
            ClientTunnelKey = initiatorStatic,
            ProviderTunnelKey = options.TunnelKey.PublicKey,
            NotAfter = payload.NotAfter,
        };
        var domain = TypedDataDomain.SessionManager(options.ChainId, options.SessionManager);
        var signer = TypedDataSigner.Recover(authorization, domain, "0x" + Convert.ToHexStringLower(payload.Signature));
        var claimed = "0x" + Convert.ToHexStringLower(payload.ClientAddress);
        if (signer is null || !AddressUtil.Current.AreAddressesTheSame(signer, claimed))
        {
            return AuthorizationResult.Reject(HandshakeStatus.BadAuthorization, "the TunnelAuthorization signature does not match the address it claims");
        }

        if (!AddressUtil.Current.AreAddressesTheSame(signer, expectedClient))
        {
            return AuthorizationResult.Reject(HandshakeStatus.BadAuthorization, $"signed by {signer}, but the session's client is {expectedClient}");
        }

        return null;
    }
}
