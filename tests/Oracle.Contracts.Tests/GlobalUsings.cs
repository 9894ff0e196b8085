// The shared test network and its actors live in Oracle.Testing (one builder for every test project).
global using Oracle.Testing;
global using Actor = Oracle.Testing.ChainActor;
global using Vpn = Oracle.Testing.VpnUnits;
