// The node tests' support files linked here name their parties Party (tests/OracleNode.Tests/GlobalUsings.cs).
global using Party = Oracle.Testing.ChainActor;
