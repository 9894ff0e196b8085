using Oracle.Testing;

namespace EvidenceCollector.Tests;

public sealed class EvidenceCollectorHostTests : ServiceHostTests<Program>
{
    protected override string Project => "EvidenceCollector";

    protected override string Schema => "collector";
}
