namespace Oracle.Actions.Providers;

/// <summary>A provider action done: the provider as the registry now holds it, and the transaction that did it.</summary>
/// <param name="Provider">The provider afterwards.</param>
/// <param name="TransactionHash">The (last) transaction.</param>
/// <param name="Block">Its block.</param>
public sealed record ProviderTransaction(ProviderView Provider, string TransactionHash, ulong Block);
