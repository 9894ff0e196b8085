using Oracle.MeteringBench;

// Metering outside the tunnel. Each command prints its result as one JSON line last.
//   records  --records N [--spool FILE]                    encode + hash + sign + spool throughput
//   capture  --interface IF --client PREFIX --seconds S     meter a live interface; capture statistics
//   serve    --spool FILE --amqp URL --session ID ...       provider pipeline publishing evidence (crash tests)
//   keystore --out FILE --index N                          a development key's keystore (benchmarks' gateways)
return args.FirstOrDefault() switch
{
    "records" => await RecordsBenchmark.RunAsync(Arguments.Parse(args[1..])),
    "capture" => await CaptureCommand.RunAsync(Arguments.Parse(args[1..])),
    "serve" => await ServeCommand.RunAsync(Arguments.Parse(args[1..])),
    "keystore" => await KeystoreCommand.RunAsync(Arguments.Parse(args[1..])),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Oracle.MeteringBench records|capture|serve|keystore [--option value]...");
    return 2;
}
