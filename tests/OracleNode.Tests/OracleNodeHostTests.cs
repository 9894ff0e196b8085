using OracleNode.Hosting;
using Oracle.Testing;

namespace OracleNode.Tests;

public sealed class OracleNodeHostTests : ServiceHostTests<Program>
{
    protected override string Project => "OracleNode";

    protected override string AssemblyName => "oracle-node";

    protected override string Schema => "oracle_node";

    // The node checks its --config file and its ORACLENODE_ variables (docs/oracle-node.md).
    protected override void WriteOperatorSetting(Dictionary<string, string?> environment, List<string> arguments, string key, string value)
        => environment[NodeConfiguration.EnvironmentPrefix + key] = value;
}
