using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Oracle.Chain.Deployment;
using Oracle.Chain.Keys;
using Oracle.Core.Evidence;
using Oracle.Core.Policy;
using Oracle.Hosting;
using Oracle.Testing;
using VpnGateway.Metering;
using VpnGateway.Metering.Sessions;
using VpnGateway.Sessions;
using VpnGateway.Tests.Metering.Support;

namespace VpnGateway.Tests.Metering;

/// <summary>Metering as the gateway host wires it (<c>AddMetering</c>): keystore, manifest, the shared bus, the denial sink.</summary>
public sealed class MeteringHostTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("metering-host-").FullName;

    [Fact]
    public async Task AddMetering_DeniedPacketsThroughTheSink_ReachTheBusSignedByTheKeystoreKey()
    {
        var key = DevelopmentKeys.Key(12);
        var keystore = Path.Combine(_folder, "gateway.json");
        KeyStoreFile.Create(keystore, key, "secret", KeyStoreCost.Light);
        await File.WriteAllTextAsync(Path.Combine(_folder, "password"), "secret\n");
        await File.WriteAllTextAsync(Path.Combine(_folder, "devnet.json"), JsonSerializer.Serialize(Manifest()));
        var session = SignedBatches.UniqueSessionId();
        var inbox = new EvidenceInbox(session);
        using var consumer = BusHosts.Create(rabbit.AmqpUrl, RabbitMqFixture.UniqueName("evidence-host"), inbox);
        await consumer.StartAsync();

        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Bus:Url"] = rabbit.AmqpUrl;
        builder.Configuration["Chain:Keystore"] = keystore;
        builder.Configuration["Chain:PasswordFile"] = Path.Combine(_folder, "password");
        builder.Configuration["Chain:Manifest"] = Path.Combine(_folder, "devnet.json");
        builder.Configuration["Metering:SpoolPath"] = Path.Combine(_folder, "spool.db");
        builder.Configuration["Metering:VoucherGrace"] = "00:00:00.200";
        builder.Configuration["Metering:SweepInterval"] = "00:00:00.100";
        builder.Services.AddSingleton<ISessionTerminator, RecordingTerminator>();
        await builder.AddOracleChainAsync(ChainRequirements.None);
        builder.AddOracleBus();
        builder.AddMetering();
        using var host = builder.Build();
        await host.StartAsync();

        var metering = host.Services.GetRequiredService<MeteringService>();
        var (channel, _) = InMemoryEvidenceChannel.Pair();
        var metered = new MeteredSession(session, null, [Oracle.Core.Policy.IpPrefix.Parse("198.18.0.2/32")], DevelopmentKeys.Key(13).GetPublicAddress(), key.GetPublicAddress(), 1000);
        await metering.StartProviderSessionAsync(metered, channel, CancellationToken.None);
        var smb = TestPackets.Tcp("198.18.0.2", 50000, "198.19.0.5", 445, TestPackets.Syn);
        var sink = host.Services.GetRequiredService<IPolicyDenialSink>();
        sink.OnDenied(session, smb, 7, TrafficDirection.Outbound, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        sink.OnDenied(session, smb, 7, TrafficDirection.Outbound, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await metering.EndSessionAsync(session, CancellationToken.None);

        // An ended session is never metered again from an empty log (batch ids and cumulative vouchers would restart).
        var again = await Assert.ThrowsAsync<SessionAlreadyEndedException>(() => metering.StartProviderSessionAsync(metered, channel, CancellationToken.None));
        Assert.Equal(session, again.SessionId);

        await inbox.WaitForAsync(1, TimeSpan.FromSeconds(30));
        await host.StopAsync();
        await consumer.StopAsync();

        var (_, (hash, error)) = inbox.Batches.Single();
        Assert.Equal(EvidenceBatchError.None, error);
        var batch = inbox.Received.Single();
        Assert.Equal(key.GetPublicAddress(), batch.Gateway);
        var record = FlowRecordEncoding.TryDecode(batch.OpenRecords(SealedEvidence.KeyIn(Path.Combine(_folder, "spool.db"), session)).Single(), out var r) == FlowRecordError.None ? r : default;
        Assert.Equal(FlowVerdict.Denied, record.Verdict);
        Assert.Equal(7U, record.RuleId);
        Assert.Equal(2UL, record.Packets);
        Assert.Equal(FlowEndReason.ForcedEnd, record.EndReason);
        await channel.DisposeAsync();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static DeploymentManifest Manifest() => new()
    {
        Network = "test",
        ChainId = 31337,
        Deployer = DevelopmentKeys.Key(0).GetPublicAddress(),
        DeployedAt = DateTimeOffset.UnixEpoch,
        Compiler = "0.8.37",
        Contracts = new Dictionary<string, DeployedContract>
        {
            ["SessionManager"] = new() { Address = MeteringHarness.SessionManager, BlockNumber = 1, TransactionHash = "0x" + new string('0', 64), BytecodeHash = "0x" + new string('0', 64), SourceHash = "0x" + new string('0', 64) },
        },
    };
}
