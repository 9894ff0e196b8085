using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Oracle.Core.Evidence;

namespace Oracle.Hosting.Tests;

/// <summary>The wire names a deployed gateway and collector agree on: renaming a .NET type must fail here, not in production.</summary>
public sealed class BusTopologyTests
{
    [Fact]
    public void MessageUrns_EvidenceMessages_ArePinned()
    {
        Assert.Equal("urn:message:Oracle.Core.Evidence:EvidenceBatch", MessageUrn.ForTypeString<EvidenceBatch>());
        Assert.Equal("urn:message:Oracle.Core.Evidence:EvidenceBatchAccepted", MessageUrn.ForTypeString<EvidenceBatchAccepted>());
        Assert.Equal("urn:message:Oracle.Core.Evidence:EvidenceBatchRejected", MessageUrn.ForTypeString<EvidenceBatchRejected>());
    }

    [Fact]
    public void EntityNames_EvidenceMessages_AreTheDocumentedExchanges()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration["Bus:Url"] = "amqp://guest:guest@127.0.0.1:9/";
        builder.AddOracleBus();
        using var host = builder.Build();

        var bus = host.Services.GetRequiredService<IBusControl>();

        Assert.True(bus.Topology.Publish<EvidenceBatch>().TryGetPublishAddress(new Uri("rabbitmq://127.0.0.1/"), out var address));
        Assert.Equal("oracle.evidence-batch", address!.AbsolutePath.TrimStart('/'));
    }

    [Fact]
    public async Task Start_NoBusUrl_FailsTheStartNamingTheSetting()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.AddOracleBus();
        using var host = builder.Build();

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Bus:Url is not set", StartupErrors.Describe(e), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(typeof(TimeoutException), true)]
    [InlineData(typeof(IOException), true)]
    [InlineData(typeof(ArgumentException), false)]
    [InlineData(typeof(InvalidOperationException), false)]
    public void IsTransient_ByExceptionType(Type type, bool transient)
    {
        var e = (Exception)Activator.CreateInstance(type, "x")!;

        Assert.Equal(transient, TransientErrors.IsTransient(e));
        Assert.Equal(transient, TransientErrors.IsTransient(new InvalidOperationException("wrapped", e)));
    }
}
