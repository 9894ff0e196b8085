namespace VpnGateway.Control;

/// <summary>What became of a control message.</summary>
public enum ControlSendResult
{
    /// <summary>The peer acknowledged the whole message.</summary>
    Delivered,

    /// <summary>The session ended before the peer acknowledged it.</summary>
    SessionClosed,

    /// <summary>The peer restarted (a new incarnation of its channel) before acknowledging it: not delivered; send again what still matters.</summary>
    PeerRestarted,

    /// <summary>The payload is larger than <see cref="ControlMessageTypes.MaxPayloadSize"/> or the type is 0; nothing was sent.</summary>
    Invalid,
}
