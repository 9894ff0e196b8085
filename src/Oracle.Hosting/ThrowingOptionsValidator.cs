using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Oracle.Hosting;

/// <summary>
/// Runs an options type's own <c>Validate()</c> (which throws <see cref="ValidationException"/> naming the setting) as an
/// <see cref="IValidateOptions{TOptions}"/>, so the one-line start-up error says which setting is wrong and why.
/// </summary>
/// <typeparam name="TOptions">The options type.</typeparam>
/// <param name="validate">The type's validation.</param>
internal sealed class ThrowingOptionsValidator<TOptions>(Action<TOptions> validate) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        try
        {
            validate(options);
            return ValidateOptionsResult.Success;
        }
        catch (ValidationException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }
}
