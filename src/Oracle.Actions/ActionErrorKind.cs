namespace Oracle.Actions;

/// <summary>What kind of failure an action ended in: the command line turns each into its own exit code.</summary>
public enum ActionErrorKind
{
    /// <summary>The chain (or a check made before sending) refused: a revert, too small a balance, a paused price feed.</summary>
    Refused = 1,

    /// <summary>An argument is wrong: an amount, an address, a file, an option that contradicts another.</summary>
    InvalidInput = 2,

    /// <summary>What the action is about does not exist: a session, a provider, a dispute.</summary>
    NotFound = 3,

    /// <summary>The chain node (or the Arbitration API) does not answer.</summary>
    Unavailable = 4,

    /// <summary>The key cannot be used: a wrong password, a missing or damaged keystore, a development key off the local chain.</summary>
    Key = 5,
}
