namespace Oracle.Core.Evidence;

/// <summary>What the session's policy did with a flow's packets (<c>verdict</c> byte of a flow record).</summary>
public enum FlowVerdict : byte
{
    /// <summary>The packets were forwarded.</summary>
    Allowed = 0,

    /// <summary>The packets were denied by a policy rule and dropped; the record names the rule.</summary>
    Denied = 1,
}
