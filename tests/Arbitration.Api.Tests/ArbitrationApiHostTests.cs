using Oracle.Testing;

namespace Arbitration.Api.Tests;

public sealed class ArbitrationApiHostTests : DatabaseServiceHostTests<Program>;
