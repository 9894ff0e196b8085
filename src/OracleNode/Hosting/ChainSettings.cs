using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Oracle.Chain.Events;
using Oracle.Chain.Transactions;
using Oracle.Hosting;

namespace OracleNode.Hosting;

/// <summary>The platform's sections the node uses besides <c>Chain</c>: <c>Chain:Transactions</c> and <c>Chain:Watcher</c> (docs/operations.md).</summary>
internal static class ChainSettings
{
    /// <summary>How the node's transactions are sent.</summary>
    /// <exception cref="ConfigurationException">A setting is out of range.</exception>
    public static TransactionSenderOptions Transactions(IConfiguration configuration)
    {
        var options = Bind<TransactionSenderOptions>(configuration, TransactionSenderOptions.SectionName);
        Validate(options.Validate);
        return options;
    }

    /// <summary>How the node's chain watcher remembers blocks and polls.</summary>
    /// <exception cref="ConfigurationException">A setting is out of range.</exception>
    public static ChainWatcherOptions Watcher(IConfiguration configuration)
    {
        var options = Bind<ChainWatcherOptions>(configuration, ChainWatcherOptions.SectionName);
        Validate(options.Validate);
        return options;
    }

    private static T Bind<T>(IConfiguration configuration, string section)
        where T : new()
    {
        try
        {
            return configuration.GetSection(section).Get<T>(o => o.ErrorOnUnknownConfiguration = true) ?? new T();
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigurationException($"section {section}: {e.GetBaseException().Message}", e);
        }
    }

    private static void Validate(Action validate)
    {
        try
        {
            validate();
        }
        catch (ValidationException e)
        {
            throw new ConfigurationException(e.Message, e);
        }
    }
}
