using Oracle.Testing;

namespace EvidenceCollector.Tests;

public sealed class EvidenceCollectorHostTests : DatabaseServiceHostTests<Program>;
