using System.Text.Json;
using System.Text.Json.Serialization;
using Nethereum.Hex.HexConvertors.Extensions;

namespace Arbitration.Api.Tests.Support;

/// <summary>Reads the API's 0x-hex bytes into byte arrays (for contract structs the API serves).</summary>
internal sealed class HexBytesConverter : JsonConverter<byte[]>
{
    public override byte[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString()!.HexToByteArray();

    public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToHex(true));
}
