using Oracle.Cli.Hosting;

// oracle: the chain actions of clients, providers, oracles and auditors (keys, exchange, provider, session, dispute,
// network). Every failure is one line and an exit code (Hosting/ExitCodes.cs); docs/quickstart.md walks through them.
return await new CliApplication().RunAsync(args);
