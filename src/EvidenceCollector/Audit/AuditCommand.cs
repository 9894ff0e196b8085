using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using EvidenceCollector.Log;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Oracle.Chain;
using Oracle.Chain.Deployment;
using Oracle.Chain.Evidence;
using Oracle.Core.Transparency;
using Oracle.Hosting;

namespace EvidenceCollector.Audit;

/// <summary>
/// <c>evidence-collector audit</c>: checks a collector's store against its on-chain anchors (<see cref="LogAuditor"/>),
/// with the collector's own configuration (<c>Chain</c>, <c>Database</c>; appsettings.json, environment variables, or
/// <c>--config</c>). Prints each problem as one line, progress on standard error, a summary, and exits 0 when the log
/// is whole, 1 when it found a fork, a gap or missing data, 2 when it could not run.
/// </summary>
internal static class AuditCommand
{
    /// <summary>Runs the command line <paramref name="args"/> (after <c>audit</c>).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var config = new Option<FileInfo?>("--config") { Description = "A JSON configuration file (as the collector's appsettings.json)" };
        var verifierKey = new Option<string?>("--verifier-key") { Description = "The log's note verifier key (GET /v1/log): every signed checkpoint is checked against it" };
        var origin = new Option<string?>("--origin") { Description = "The log's origin (default: the one in the store's latest checkpoint)" };
        var command = new RootCommand("Checks an evidence collector's log against its anchors on-chain: forks, gaps and missing data (exit 1)") { config, verifierKey, origin };
        command.SetAction((result, cancellationToken) => AuditAsync(result.GetValue(config), result.GetValue(verifierKey), result.GetValue(origin), cancellationToken));
        return await command.Parse(args).InvokeAsync();
    }

    private static async Task<int> AuditAsync(FileInfo? configFile, string? verifierKeyText, string? originText, CancellationToken cancellationToken)
    {
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
                .AddJsonFile(configFile?.FullName ?? "/nonexistent/appsettings.json", optional: configFile is null)
                .AddEnvironmentVariables()
                .Build();
            NoteKey? key = null;
            if (verifierKeyText is not null && !NoteKey.TryParseVerifierKey(verifierKeyText, out key))
            {
                throw new ConfigurationException($"--verifier-key '{verifierKeyText}' is not a note verifier key (name+hash+base64)");
            }

            var chainOptions = configuration.GetSection(ChainOptions.Section).Get<ChainOptions>() ?? new ChainOptions();
            chainOptions.Keystore = null;
            var chain = await ChainContext.CreateAsync(chainOptions, cancellationToken);
            chain.RequireOnline("the audit reads the log's anchors");
            var connectionString = configuration["Database:ConnectionString"] ?? throw new ConfigurationException("Database:ConnectionString is not set: the audit reads the collector's store");
            await using var database = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = "collector" }.ConnectionString);
            var logOrigin = originText ?? await OriginAsync(database, cancellationToken);
            var logId = SHA256.HashData(Encoding.UTF8.GetBytes(logOrigin));
            Console.Error.WriteLine($"audit: log {logOrigin} (id 0x{Convert.ToHexStringLower(logId)}): reading its anchors from the chain");
            var registry = chain.AddressOf(ContractNames.EvidenceRegistry);
            var anchors = await new AnchorReader(chain.Web3, registry, chain.DeploymentBlock(ContractNames.EvidenceRegistry), chain.MaxLogRange).AnchorsAsync(logId, cancellationToken);
            var auditor = new LogAuditor(database, chain.SessionManagerDomain, anchors, key, Console.Error);
            var report = await auditor.AuditAsync(cancellationToken);
            foreach (var finding in report.Findings)
            {
                Console.WriteLine(finding);
            }

            Console.WriteLine($"audited {report.GlobalLeaves} leaves of the global log against {report.Anchors} anchors and {report.Checkpoints} signed checkpoints" +
                $"{(key is null ? " (signatures of the checkpoints not checked: give --verifier-key)" : "")}; {report.Sessions} sessions, {report.SessionCheckpoints} session checkpoints, {report.SessionLeaves} session leaves" +
                $"{(report.Unsequenced > 0 ? $"; {report.Unsequenced} accepted batches not yet in the global log" : "")}");
            Console.WriteLine(report.IsClean ? "OK: no fork, gap or missing data" : $"FAILED: {report.Findings.Count} problem(s)");
            return report.IsClean ? 0 : 1;
        }
        catch (Exception e) when (e is ChainContextException or ConfigurationException or NpgsqlException or InvalidDataException or ArgumentException)
        {
            Console.Error.WriteLine($"evidence-collector audit: {e.Message}");
            return 2;
        }
    }

    private static async Task<string> OriginAsync(NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var head = await Sequencer.ReadHeadAsync(connection, null, forUpdate: false, cancellationToken)
            ?? throw new ConfigurationException("the store has no global log yet (no collector has sequenced into it): nothing to audit");
        return SignedNote.TryParse(head.Checkpoint, out var note) && CheckpointBody.TryParse(note!.Text, out var body)
            ? body!.Origin
            : throw new InvalidDataException("the store's latest checkpoint is not a C2SP checkpoint note");
    }
}
