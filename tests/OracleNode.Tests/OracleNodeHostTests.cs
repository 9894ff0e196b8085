using Oracle.Testing;

namespace OracleNode.Tests;

public sealed class OracleNodeHostTests : ServiceHostTests<Program>
{
    protected override string Project => "OracleNode";

    protected override string AssemblyName => "oracle-node";

    protected override string Schema => "oracle_node";
}
