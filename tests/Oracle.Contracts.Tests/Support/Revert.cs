using Oracle.Chain.Errors;

namespace Oracle.Contracts.Tests.Support;

/// <summary>Asserts that a contract call reverts with a named custom error.</summary>
internal static class Revert
{
    public static async Task<ContractError> WithAsync(string errorName, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<ContractRevertedException>(call);
        Assert.Equal(errorName, e.Error.Name);
        return e.Error;
    }
}
