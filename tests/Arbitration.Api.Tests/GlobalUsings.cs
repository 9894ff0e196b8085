// The parties and token amounts of every test project come from Oracle.Testing.
global using Actor = Oracle.Testing.ChainActor;
global using Vpn = Oracle.Testing.VpnUnits;
