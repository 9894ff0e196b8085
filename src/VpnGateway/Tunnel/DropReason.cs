namespace VpnGateway.Tunnel;

/// <summary>Why a datagram or packet was dropped (the <c>reason</c> label of the drops metric).</summary>
public enum DropReason
{
    /// <summary>Datagram shorter than any tunnel message.</summary>
    TooShort,

    /// <summary>Unknown message type or non-zero reserved bytes.</summary>
    UnknownType,

    /// <summary>A handshake message of the wrong size.</summary>
    WrongSize,

    /// <summary>Transport message for a receiver index that does not exist (stale or forged).</summary>
    UnknownIndex,

    /// <summary>Counter already seen or older than the replay window.</summary>
    Replay,

    /// <summary>The keypair is past its lifetime.</summary>
    ExpiredKey,

    /// <summary>The AEAD tag did not verify (forged, corrupted or wrongly keyed).</summary>
    Authentication,

    /// <summary>The decrypted inner packet is not a well-formed IP packet.</summary>
    Malformed,

    /// <summary>The inner packet's source address is not one the peer may use.</summary>
    SourceNotAllowed,

    /// <summary>Denied by the session's policy (reported to metering).</summary>
    PolicyDenied,

    /// <summary>Over the policy's rate limit.</summary>
    RateLimited,

    /// <summary>Nothing to encrypt with yet (handshake pending) or the key expired.</summary>
    NoKey,

    /// <summary>The TUN device refused the packet.</summary>
    TunWriteRefused,

    /// <summary>Too many handshake messages waiting.</summary>
    HandshakeQueueFull,

    /// <summary>mac1 wrong: the sender does not know this gateway's public key.</summary>
    HandshakeBadMac1,

    /// <summary>Under load without a valid cookie (a cookie reply was sent).</summary>
    HandshakeCookieRequired,

    /// <summary>Too many handshakes from one address.</summary>
    HandshakeRateLimited,

    /// <summary>Handshake cryptography failed.</summary>
    HandshakeInvalid,

    /// <summary>Initiation timestamp not newer than the last one of that key.</summary>
    HandshakeReplay,

    /// <summary>The initiator was authenticated but not authorised (a rejection was sent).</summary>
    HandshakeRejected,

    /// <summary>A response or cookie that matches no pending handshake.</summary>
    HandshakeUnexpected,

    /// <summary>A malformed control frame.</summary>
    ControlInvalid,

    /// <summary>The socket refused to send.</summary>
    SendFailed,

    /// <summary>A data packet for a session that is not running (still starting, or ending: data stopped).</summary>
    SessionNotRunning,

    /// <summary>A packet from the TUN device whose address belongs to no session (a client that left, an unassigned tunnel address).</summary>
    NoSession,

    /// <summary>
    /// A new session's initiation set aside while the directory (the chain) is asked about its terms in the background;
    /// it is handled again once the answer is there.
    /// </summary>
    HandshakeAwaitingDirectory,

    /// <summary>A new session's initiation dropped because too many directory lookups are pending (the client retries).</summary>
    HandshakeDirectoryBusy,

    /// <summary>
    /// A data packet of a session whose metering is still starting, over what is held meanwhile (<see cref="StartQueue"/>:
    /// 16 packets, 32 KiB).
    /// </summary>
    SessionStartingQueueFull,

    /// <summary>A data packet held while its session started, dropped because the start failed or timed out (the session ends).</summary>
    SessionStartFailed,
}
