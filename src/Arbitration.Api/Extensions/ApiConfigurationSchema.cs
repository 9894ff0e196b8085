using Arbitration.Api.Apis;
using Arbitration.Api.Filing;
using Oracle.Hosting;

namespace Arbitration.Api.Extensions;

/// <summary>
/// Everything the API reads from its configuration: its own sections (<c>Api</c>, <c>Relayer</c>), the shared
/// <c>Chain</c> and <c>Database</c>, and the host's <c>Logging</c>, <c>Urls</c>, <c>AllowedHosts</c> and <c>Kestrel</c>.
/// Anything else in its files or arguments is a mistake, refused at start with the nearest valid key
/// (docs/operations.md).
/// </summary>
internal static class ApiConfigurationSchema
{
    public static ConfigurationSchema Create() => new ConfigurationSchema()
        .Add<ApiOptions>(ApiOptions.Section)
        .Add<RelayerOptions>(RelayerOptions.Section)
        .AddOracleChain()
        .AddOracleDatabase()
        .AddOracleServiceDefaults()
        .AddAspNetCoreHost();
}
