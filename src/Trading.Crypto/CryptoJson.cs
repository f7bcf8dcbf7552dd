using System.Text.Json;
using System.Text.Json.Serialization;

namespace Trading.Crypto;

/// <summary>
/// JSON for every public record here (joint keys, sealed shares, partials, transcripts, manifests): camelCase,
/// byte arrays as lowercase hex, enums as names, missing or null required fields refused.
/// </summary>
public static class CryptoJson
{
    /// <summary>The serializer options the records are written and read with.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Converters = { new HexBytesConverter(), new JsonStringEnumConverter() },
    };

    /// <summary>Serializes a record.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Deserializes a record; malformed JSON becomes a <see cref="CryptoErrorCode.RecordInvalid"/> refusal.</summary>
    public static T Deserialize<T>(string json)
    {
        try
        {
            var value = JsonSerializer.Deserialize<T>(json, Options)
                ?? throw new CryptoException(CryptoErrorCode.RecordInvalid, typeof(T).Name, "null");
            RefuseNullElements(value, typeof(T).Name, 0);
            return value;
        }
        catch (JsonException e)
        {
            throw new CryptoException(CryptoErrorCode.RecordInvalid, typeof(T).Name, e.Message);
        }
    }

    // The serializer enforces non-null properties but not non-null list elements ("partials": [null]); refuse those
    // here so no caller meets a null deep inside a record.
    private static void RefuseNullElements(object value, string path, int depth)
    {
        if (depth > 16 || value is string or byte[] || value.GetType().IsPrimitive || value.GetType().IsEnum)
        {
            return;
        }

        if (value is System.Collections.IEnumerable items)
        {
            var i = 0;
            foreach (var item in items)
            {
                if (item is null)
                {
                    throw new CryptoException(CryptoErrorCode.RecordInvalid, path, $"element {i} is null");
                }

                RefuseNullElements(item, $"{path}[{i}]", depth + 1);
                i++;
            }

            return;
        }

        if (value.GetType().Namespace != typeof(CryptoJson).Namespace)
        {
            return;
        }

        foreach (var property in value.GetType().GetProperties())
        {
            if (property.GetIndexParameters().Length == 0 && property.GetValue(value) is { } child)
            {
                RefuseNullElements(child, $"{path}.{property.Name}", depth + 1);
            }
        }
    }

    private sealed class HexBytesConverter : JsonConverter<byte[]>
    {
        public override byte[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var s = reader.GetString() ?? throw new JsonException("expected a hex string");
            try
            {
                return Convert.FromHexString(s);
            }
            catch (FormatException)
            {
                throw new JsonException("not a hex string");
            }
        }

        public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Convert.ToHexStringLower(value));
    }
}
