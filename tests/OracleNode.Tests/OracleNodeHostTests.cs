using Oracle.Testing;

namespace OracleNode.Tests;

public sealed class OracleNodeHostTests : DatabaseServiceHostTests<Program>;
