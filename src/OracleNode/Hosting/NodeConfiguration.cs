using Microsoft.Extensions.Configuration;
using Oracle.Hosting;

namespace OracleNode.Hosting;

/// <summary>
/// Where settings come from, for <c>run</c> and every other command alike: the <c>--config</c> JSON file, then
/// environment variables (<c>Section__Key</c>, or with the <c>ORACLENODE_</c> prefix, which wins); docs/operations.md.
/// </summary>
internal static class NodeConfiguration
{
    public const string EnvironmentPrefix = "ORACLENODE_";

    /// <summary>
    /// Adds the file and the prefixed variables to a host's configuration (which already reads unprefixed ones), after
    /// checking that everything the operator wrote there is a setting the node reads (<see cref="NodeConfigurationSchema"/>).
    /// </summary>
    /// <exception cref="ConfigurationException">The file is missing or not JSON, or holds a key nothing reads or a value that does not convert.</exception>
    public static void AddTo(IConfigurationBuilder builder, string? configFile)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var written = new ConfigurationBuilder();
        if (configFile is not null)
        {
            var path = Path.GetFullPath(configFile);
            if (!File.Exists(path))
            {
                throw new ConfigurationException($"the configuration file {path} (--config) does not exist");
            }

            builder.AddJsonFile(path, optional: false, reloadOnChange: false);
            written.AddJsonFile(path, optional: false, reloadOnChange: false);
        }

        builder.AddEnvironmentVariables(EnvironmentPrefix);
        written.AddEnvironmentVariables(EnvironmentPrefix);
        IConfigurationRoot root;
        try
        {
            root = written.Build();
        }
        catch (InvalidDataException e)
        {
            throw new ConfigurationException($"the configuration file {configFile} is not valid JSON: {e.GetBaseException().Message}", e);
        }

        NodeConfigurationSchema.Create().EnsureValid(root.Providers);
    }

    /// <summary>The configuration of a command that does not run the host.</summary>
    public static IConfiguration Build(string? configFile)
    {
        var builder = new ConfigurationBuilder().AddEnvironmentVariables();
        AddTo(builder, configFile);
        try
        {
            return builder.Build();
        }
        catch (InvalidDataException e)
        {
            throw new ConfigurationException($"the configuration file {configFile} is not valid JSON: {e.GetBaseException().Message}", e);
        }
    }
}
