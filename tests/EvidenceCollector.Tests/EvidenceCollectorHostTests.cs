using EvidenceCollector.Tests.Support;
using Oracle.Testing;

namespace EvidenceCollector.Tests;

[Collection(BusCollection.Name)]
public sealed class EvidenceCollectorHostTests : ServiceHostTests<Program>
{
    protected override string Project => "EvidenceCollector";

    protected override string Schema => "collector";
}
