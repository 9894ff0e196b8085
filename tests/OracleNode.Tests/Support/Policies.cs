using Oracle.Core.Policy;

namespace OracleNode.Tests.Support;

/// <summary>The session policy of the scenario tests.</summary>
internal static class Policies
{
    /// <summary>Rule 7 denies SMB out, rule 8 SMTP out, rule 21 anything in from 203.0.113.0/24; the rest is allowed.</summary>
    public static PolicyDocument Exit { get; } = PolicyDocument.Parse("""
        {"version": 1, "defaultAction": "allow", "rules": [
          {"id": 7, "action": "deny", "direction": "outbound", "protocol": "tcp", "ports": ["445"]},
          {"id": 8, "action": "deny", "direction": "outbound", "protocol": "tcp", "ports": ["25"]},
          {"id": 21, "action": "deny", "direction": "inbound", "networks": ["203.0.113.0/24"]}
        ]}
        """);
}
