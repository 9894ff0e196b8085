using Oracle.Testing;

namespace Arbitration.Api.Tests;

public sealed class ArbitrationApiHostTests : ServiceHostTests<Program>
{
    protected override string Project => "Arbitration.Api";

    protected override string Schema => "arbitration";

    protected override bool UsesBus => false;
}
