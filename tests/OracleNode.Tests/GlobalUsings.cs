// The parties of every test project are Oracle.Testing's ChainActor.
global using Party = Oracle.Testing.ChainActor;
