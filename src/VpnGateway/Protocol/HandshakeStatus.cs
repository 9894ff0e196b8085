namespace VpnGateway.Protocol;

/// <summary>
/// The status byte of a handshake response. The gateway answers with a rejection only after the initiator proved
/// it knows the gateway's key and holds its own static key, so the reason is told only to the key's owner.
/// </summary>
internal enum HandshakeStatus : byte
{
    Accepted = 0,
    UnknownSession = 1,
    SessionNotOpen = 2,
    WrongProvider = 3,
    BadAuthorization = 4,
    AuthorizationExpired = 5,
    UnsupportedCipher = 6,
    UnknownPolicy = 7,
    NoAddressAvailable = 8,
    NotPermitted = 9,
    DirectoryUnavailable = 10,

    /// <summary>The session named ended; its pinned link continues as the session in the payload's bytes 2–9.</summary>
    Successor = 11,
}
