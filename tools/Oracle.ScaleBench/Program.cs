using Oracle.ScaleBench;

// The client swarm of bench/scale.sh. Each command prints its result as one JSON line last.
//   sessions --count N --first ID --policy FILE [--client ADDRESS] [--keystores K] --out DIR   N client tunnel keys
//                                                                           and the provider's Directory:Sessions entries
//                                                                           for them (the first K also as keystore files)
//   swarm    --keys FILE --provider-key BASE64 --endpoint IP:PORT [--window W] [--rekey-rate R] [--hold S]
//            [--chain-id ID --session-manager ADDRESS]                      handshakes for every session, held, rekeyed
//                                                                           (keys with an Ethereum key: on-chain sessions)
//   chain    --provider-key BASE64 --endpoint IP:PORT --out DIR [--count N] [--delay-ms D]
//                                                                           a Hardhat node, the network, a provider, N
//                                                                           sessions, a delaying RPC proxy; up until SIGTERM
//   clients  --keys FILE --provider-key BASE64 --endpoint IP:PORT [--count N] [--pattern swc%d]
//                                                                           N real gateway clients (TUN device each), held
return args.FirstOrDefault() switch
{
    "sessions" => await SessionsCommand.RunAsync(Arguments.Parse(args[1..])),
    "swarm" => await SwarmCommand.RunAsync(Arguments.Parse(args[1..])),
    "clients" => await ClientsCommand.RunAsync(Arguments.Parse(args[1..])),
    "chain" => await ChainCommand.RunAsync(Arguments.Parse(args[1..])),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Oracle.ScaleBench sessions|swarm|clients|chain [--option value]...");
    return 2;
}
