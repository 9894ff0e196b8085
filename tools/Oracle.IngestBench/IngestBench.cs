namespace Oracle.IngestBench;

/// <summary>
/// Evidence ingestion (docs/performance.md): signed, sealed batches of many synthetic gateways through RabbitMQ into an
/// evidence collector process, its PostgreSQL store and its global log anchored on the test chain; record proofs over
/// HTTP; the same rows copied with PostgreSQL binary COPY alone as the same-run baseline. Progress on standard error; the
/// last line of standard output is one JSON object. The chain, PostgreSQL and RabbitMQ are the tests' (Oracle.Testing),
/// stopped by PID with the collector process when the run ends.
/// </summary>
/// <remarks>Not a top-level program: the collector's own <c>Program</c> is the type its process helpers start.</remarks>
internal static class IngestBench
{
    public static async Task<int> Main()
    {
        var settings = IngestSettings.FromEnvironment();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(settings.TimeoutMinutes));
        // Ctrl-C or a kill stops the run, and its disposals stop the collector process (and the services) by PID.
        using var interrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, Stop);
        using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Stop);
        try
        {
            var result = await new IngestRun(settings, Console.Error).RunAsync(cts.Token);
            Console.WriteLine(result.ToJson());
            return 0;
        }
        catch (Exception e)
        {
            // Returning (not throwing) lets the process exit normally, and the test services stop with it.
            Console.Error.WriteLine(e is OperationCanceledException ? "ingest bench: stopped" : $"ingest bench: {e}");
            return 1;
        }

        void Stop(System.Runtime.InteropServices.PosixSignalContext context)
        {
            context.Cancel = true;
            cts.Cancel();
        }
    }
}
