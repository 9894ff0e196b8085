namespace Oracle.Chain.Model;

/// <summary><c>ISessionManager.SessionStatus</c>: None → Open → (Closing →) Closed.</summary>
public enum SessionStatus : byte
{
    /// <summary>No such session.</summary>
    None = 0,

    /// <summary>Open: vouchers settle, the provider serves.</summary>
    Open = 1,

    /// <summary>The client started to close; the provider may still settle until the deadline.</summary>
    Closing = 2,

    /// <summary>Closed: paid out and refunded.</summary>
    Closed = 3,
}
