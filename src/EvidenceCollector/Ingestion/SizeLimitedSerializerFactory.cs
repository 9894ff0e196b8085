using System.Net.Mime;
using MassTransit;
using MassTransit.Serialization;

namespace EvidenceCollector.Ingestion;

/// <summary>
/// MassTransit's JSON serialization for the collector's endpoint, refusing to read a body larger than
/// <c>Ingestion:MaxBatchBytes</c>: the refusal is a deserialization failure, so the message goes to the endpoint's error
/// queue with the reason (nothing is dropped) and the consumer goes on with the next message.
/// </summary>
internal sealed class SizeLimitedSerializerFactory(int maxBytes) : ISerializerFactory
{
    /// <inheritdoc />
    public ContentType ContentType => SystemTextJsonMessageSerializer.JsonContentType;

    /// <inheritdoc />
    public IMessageSerializer CreateSerializer() => new SystemTextJsonMessageSerializer();

    /// <inheritdoc />
    public IMessageDeserializer CreateDeserializer() => new Deserializer(new SystemTextJsonMessageSerializer(), maxBytes);

    private sealed class Deserializer(IMessageDeserializer inner, int maxBytes) : IMessageDeserializer
    {
        public ContentType ContentType => inner.ContentType;

        public void Probe(ProbeContext context) => inner.Probe(context);

        public ConsumeContext Deserialize(ReceiveContext receiveContext)
        {
            Check(receiveContext.Body);
            return inner.Deserialize(receiveContext);
        }

        public SerializerContext Deserialize(MessageBody body, Headers headers, Uri? destinationAddress = null)
        {
            Check(body);
            return inner.Deserialize(body, headers, destinationAddress);
        }

        public MessageBody GetMessageBody(string text) => inner.GetMessageBody(text);

        private void Check(MessageBody body)
        {
            if (body.Length is { } length && length > maxBytes)
            {
                throw new BatchTooLargeException($"a message of {length} bytes is larger than Ingestion:MaxBatchBytes ({maxBytes}); moved to the error queue unread");
            }
        }
    }
}
