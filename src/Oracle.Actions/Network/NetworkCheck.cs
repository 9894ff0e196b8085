namespace Oracle.Actions.Network;

/// <summary>One check of a deployment against its chain.</summary>
/// <param name="What">What was checked ("TokenExchange: created from the built bytecode").</param>
/// <param name="Passed">Whether it holds.</param>
/// <param name="Detail">What was found when it does not.</param>
public sealed record NetworkCheck(string What, bool Passed, string? Detail = null);
