namespace Arbitration.Api.Apis.Models;

/// <summary>One page of a list, newest or cheapest first as the list says; <see cref="Next"/> fetches the following page.</summary>
/// <typeparam name="T">The items.</typeparam>
/// <param name="Items">The items of this page.</param>
/// <param name="Next">The cursor of the next page (pass it as <c>after</c>), or null on the last page.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);
