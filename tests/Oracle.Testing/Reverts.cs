using Oracle.Chain.Errors;

namespace Oracle.Testing;

/// <summary>Asserts that a contract call reverts with a custom error, typed as its generated class.</summary>
public static class Reverts
{
    /// <summary>
    /// Runs <paramref name="call"/>, asserts it reverts with <typeparamref name="TError"/> (for example
    /// <c>SessionExpiredError</c>), and returns the error with its arguments decoded.
    /// </summary>
    public static async Task<TError> WithAsync<TError>(Func<Task> call)
        where TError : class, new()
    {
        ArgumentNullException.ThrowIfNull(call);
        var e = await Assert.ThrowsAsync<ContractRevertedException>(call);
        Assert.True(e.Error.Is<TError>(), $"expected {ContractError.ErrorName<TError>()}, the call reverted with {e.Error}");
        return e.Error.As<TError>();
    }
}
