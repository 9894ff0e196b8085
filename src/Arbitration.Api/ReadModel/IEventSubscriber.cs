using Nethereum.ABI.FunctionEncoding.Attributes;

namespace Arbitration.Api.ReadModel;

/// <summary>Takes the read model's subscriptions: one event type of one contract at a time (the chain watcher's <c>Subscribe</c>).</summary>
internal interface IEventSubscriber
{
    /// <summary>Follows <typeparamref name="TEvent"/> emitted by <paramref name="contract"/>.</summary>
    void Add<TEvent>(string contract)
        where TEvent : IEventDTO, new();
}
