using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Trading.PublicLog;

/// <summary>
/// One log entry: <c>{"data":{...},"tender":"...","time":"...","type":"...","v":1}</c> in canonical JSON
/// (<see cref="CanonicalJson"/>). <c>time</c> is UTC with milliseconds, <c>tender</c> is optional.
/// Personal data never goes in <see cref="Data"/> in the clear: use <see cref="Pseudonymizer"/>.
/// </summary>
public sealed partial record LogEntry(string Type, int SchemaVersion, DateTimeOffset Time, string? Tender, JsonObject Data)
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    [GeneratedRegex("^[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)+\\z")] // \z, not $: $ also matches before a final newline
    private static partial Regex TypePattern();

    /// <summary>The canonical bytes that are hashed into the tree.</summary>
    public byte[] ToCanonicalBytes()
    {
        Validate(Type, SchemaVersion);
        var obj = new JsonObject
        {
            ["type"] = Type,
            ["v"] = SchemaVersion,
            ["time"] = Time.ToUniversalTime().ToString(TimeFormat, CultureInfo.InvariantCulture),
            ["data"] = JsonNode.Parse(Data.ToJsonString()),
        };
        if (Tender is not null)
        {
            obj["tender"] = Tender;
        }
        return CanonicalJson.Serialize(obj);
    }

    /// <summary>Parses stored entry bytes, refusing anything not canonical or missing a field.</summary>
    public static LogEntry Parse(ReadOnlySpan<byte> canonicalBytes)
    {
        using var doc = ParseDocument(canonicalBytes);
        var (type, version, time, tender, data) = Fields(doc.RootElement);
        return new LogEntry(type, version, time, tender, JsonNode.Parse(data.GetRawText())!.AsObject());
    }

    /// <summary>
    /// Checks stored entry bytes are a canonical, well-formed entry without building anything: the
    /// canonical-form pass notes the top-level fields as it goes, so verifying millions of entries costs one
    /// forward read each (no document tree). Refuses exactly what <see cref="Parse"/> refuses, with the same codes.
    /// </summary>
    public static void Validate(ReadOnlySpan<byte> canonicalBytes)
    {
        var f = new EntryFields { Enabled = true };
        if (!CanonicalJson.Scan(canonicalBytes, ref f))
        {
            throw new LogFormatException("json.not-canonical");
        }
        // Reported in the order Fields() checks them, so both paths name the same problem first.
        if (!f.RootIsObject)
        {
            throw new LogFormatException("entry.bad-field", Args.Of(("field", "(root)"), ("reason", "not an object")));
        }
        RequireFound(f.Type, "type");
        RequireFound(f.Version, "v");
        if (f.Version != FieldState.Valid)
        {
            throw new LogFormatException("entry.bad-field", Args.Of(("field", "v"), ("reason", "not an integer")));
        }
        if (!f.TypePatternOk)
        {
            throw new LogFormatException("entry.bad-field", Args.Of(("field", "type"), ("reason", "expected dotted lower-case words such as bid.submitted")));
        }
        if (f.VersionValue < 1)
        {
            throw new LogFormatException("entry.bad-field", Args.Of(("field", "v"), ("reason", "schema version starts at 1")));
        }
        RequireFound(f.Time, "time");
        if (!f.TimeOk)
        {
            throw new LogFormatException("entry.bad-field", Args.Of(("field", "time"), ("reason", "expected yyyy-MM-ddTHH:mm:ss.fffZ")));
        }
        if (f.Tender == FieldState.WrongKind)
        {
            throw new LogFormatException("entry.bad-field", Args.Of(("field", "tender"), ("reason", "not a string")));
        }
        if (f.Data == FieldState.Missing)
        {
            throw new LogFormatException("entry.missing-field", Args.Of(("field", "data")));
        }
        if (f.Data == FieldState.WrongKind)
        {
            throw new LogFormatException("entry.bad-field", Args.Of(("field", "data"), ("reason", "not an object")));
        }
        if (f.Unknown is not null)
        {
            throw new LogFormatException("entry.bad-field", Args.Of(("field", f.Unknown), ("reason", "unknown top-level field")));
        }
    }

    private static void RequireFound(FieldState state, string name)
    {
        if (state == FieldState.Missing)
        {
            throw new LogFormatException("entry.missing-field", Args.Of(("field", name)));
        }
        if (state == FieldState.WrongKind && name != "v")
        {
            throw new LogFormatException("entry.bad-field", Args.Of(("field", name), ("reason", "not a string")));
        }
    }

    /// <summary>The same test as the type pattern, on the raw bytes: dotted lower-case words, at least two.</summary>
    internal static bool IsTypeName(ReadOnlySpan<byte> s)
    {
        int i = 0, words = 0;
        while (true)
        {
            if (i >= s.Length || s[i] is < (byte)'a' or > (byte)'z')
            {
                return false;
            }
            for (i++; i < s.Length && s[i] is >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'-'; i++)
            {
            }
            words++;
            if (i == s.Length)
            {
                return words >= 2;
            }
            if (s[i] != (byte)'.')
            {
                return false;
            }
            i++;
        }
    }

    /// <summary>
    /// The test DateTimeOffset.TryParseExact with <see cref="TimeFormat"/> makes (the one <see cref="Parse"/> uses),
    /// on the raw bytes: four-digit year from 1, a real calendar date, hours 00-23, minutes and seconds 00-59, three
    /// digits of milliseconds. Written out because the culture-aware parser was a sixth of the entry-format check's
    /// time over a million entries; EntryValidateTests compares the two on the edge cases.
    /// </summary>
    internal static bool IsEntryTime(ReadOnlySpan<byte> s)
    {
        // yyyy-MM-ddTHH:mm:ss.fffZ
        if (s.Length != TimeFormat.Length - 4 // the four quote characters of the format are not in the text
            || s[4] != (byte)'-' || s[7] != (byte)'-' || s[10] != (byte)'T' || s[13] != (byte)':' || s[16] != (byte)':'
            || s[19] != (byte)'.' || s[23] != (byte)'Z')
        {
            return false;
        }
        if (!Digits(s[..4], out int year) || !Digits(s.Slice(5, 2), out int month) || !Digits(s.Slice(8, 2), out int day)
            || !Digits(s.Slice(11, 2), out int hour) || !Digits(s.Slice(14, 2), out int minute) || !Digits(s.Slice(17, 2), out int second)
            || !Digits(s.Slice(20, 3), out _))
        {
            return false;
        }
        return year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month)
            && hour < 24 && minute < 60 && second < 60;

        static bool Digits(ReadOnlySpan<byte> d, out int value)
        {
            value = 0;
            foreach (var b in d)
            {
                if (b is < (byte)'0' or > (byte)'9')
                {
                    return false;
                }
                value = value * 10 + (b - '0');
            }
            return true;
        }
    }

    private static JsonDocument ParseDocument(ReadOnlySpan<byte> bytes)
    {
        CanonicalJson.RequireCanonical(bytes);
        try
        {
            return JsonDocument.Parse(bytes.ToArray(), new JsonDocumentOptions { MaxDepth = CanonicalJson.MaxDepth + 1 });
        }
        catch (JsonException e)
        {
            throw new LogFormatException("json.invalid", Args.Of(("detail", e.Message)), e);
        }
    }

    private static (string Type, int Version, DateTimeOffset Time, string? Tender, JsonElement Data) Fields(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new LogFormatException("entry.bad-field", Args.Of(("field", "(root)"), ("reason", "not an object")));
        }
        string type = RequireString(root, "type");
        if (!root.TryGetProperty("v", out var v))
        {
            throw new LogFormatException("entry.missing-field", Args.Of(("field", "v")));
        }
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int version))
        {
            throw new LogFormatException("entry.bad-field", Args.Of(("field", "v"), ("reason", "not an integer")));
        }
        Validate(type, version);
        string timeText = RequireString(root, "time");
        if (!DateTimeOffset.TryParseExact(timeText, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            throw new LogFormatException("entry.bad-field", Args.Of(("field", "time"), ("reason", "expected yyyy-MM-ddTHH:mm:ss.fffZ")));
        }
        string? tender = null;
        if (root.TryGetProperty("tender", out var t))
        {
            tender = t.ValueKind == JsonValueKind.String ? t.GetString() : throw new LogFormatException("entry.bad-field", Args.Of(("field", "tender"), ("reason", "not a string")));
        }
        if (!root.TryGetProperty("data", out var data))
        {
            throw new LogFormatException("entry.missing-field", Args.Of(("field", "data")));
        }
        if (data.ValueKind != JsonValueKind.Object)
        {
            throw new LogFormatException("entry.bad-field", Args.Of(("field", "data"), ("reason", "not an object")));
        }
        foreach (var p in root.EnumerateObject())
        {
            if (p.Name is not ("type" or "v" or "time" or "tender" or "data"))
            {
                throw new LogFormatException("entry.bad-field", Args.Of(("field", p.Name), ("reason", "unknown top-level field")));
            }
        }
        return (type, version, time, tender, data);
    }

    /// <summary>The bid.submitted entry (schema 1) a receipt points to: hashes and length only, never the plaintext.</summary>
    public static LogEntry BidSubmitted(string tender, string lot, string bidderPseudonym, ReadOnlySpan<byte> ciphertextSha256, long ciphertextLength, DateTimeOffset time)
    {
        if (ciphertextSha256.Length != 32)
        {
            throw new LogFormatException("hash.wrong-length", Args.Of(("what", "ciphertextSha256"), ("expected", 32), ("actual", ciphertextSha256.Length)));
        }
        return new LogEntry(LogEntryTypes.BidSubmitted, 1, Truncate(time), tender, new JsonObject
        {
            ["lot"] = lot,
            ["bidder"] = bidderPseudonym,
            ["ciphertextSha256"] = Convert.ToHexStringLower(ciphertextSha256),
            ["ciphertextLength"] = ciphertextLength,
        });
    }

    /// <summary>Drops sub-millisecond precision so a value survives a round trip through the entry format.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
    }

    private static void Validate(string type, int version)
    {
        if (string.IsNullOrEmpty(type) || !TypePattern().IsMatch(type))
        {
            throw new LogFormatException("entry.bad-field", Args.Of(("field", "type"), ("reason", "expected dotted lower-case words such as bid.submitted")));
        }
        if (version < 1)
        {
            throw new LogFormatException("entry.bad-field", Args.Of(("field", "v"), ("reason", "schema version starts at 1")));
        }
    }

    private static string RequireString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var p))
        {
            throw new LogFormatException("entry.missing-field", Args.Of(("field", name)));
        }
        if (p.ValueKind != JsonValueKind.String)
        {
            throw new LogFormatException("entry.bad-field", Args.Of(("field", name), ("reason", "not a string")));
        }
        return p.GetString()!;
    }
}

internal enum FieldState : byte { Missing, WrongKind, Valid }

/// <summary>What the canonical pass saw of an entry's top-level fields (see <see cref="LogEntry.Validate(ReadOnlySpan{byte})"/>).</summary>
internal struct EntryFields
{
    private enum Field : byte { None, Data, Tender, Time, Type, Version, Unknown }

    public bool Enabled;
    public bool RootIsObject;
    public FieldState Type, Version, Time, Tender, Data;
    public bool TypePatternOk, TimeOk;
    public int VersionValue;
    public string? Unknown;
    private bool _rootSeen;
    private Field _pending;

    /// <summary>Called for every token at depth 0 or 1, before the canonical checks of that token.</summary>
    public void Observe(ref Utf8JsonReader reader)
    {
        var token = reader.TokenType;
        if (reader.CurrentDepth == 0)
        {
            if (!_rootSeen)
            {
                _rootSeen = true;
                RootIsObject = token == JsonTokenType.StartObject;
            }
            return;
        }
        if (!RootIsObject || token is JsonTokenType.EndObject or JsonTokenType.EndArray)
        {
            return;
        }
        if (token == JsonTokenType.PropertyName)
        {
            _pending = reader.ValueTextEquals("data"u8) ? Field.Data
                : reader.ValueTextEquals("tender"u8) ? Field.Tender
                : reader.ValueTextEquals("time"u8) ? Field.Time
                : reader.ValueTextEquals("type"u8) ? Field.Type
                : reader.ValueTextEquals("v"u8) ? Field.Version
                : Field.Unknown;
            if (_pending == Field.Unknown)
            {
                Unknown ??= reader.GetString();
            }
            return;
        }
        var isString = token == JsonTokenType.String;
        // Canonical strings escape only quotes, backslashes and control characters, none of which a type name or
        // a time may contain, so an escaped value there is simply wrong.
        var plain = isString && !reader.ValueIsEscaped && !reader.HasValueSequence;
        switch (_pending)
        {
            case Field.Data:
                Data = token == JsonTokenType.StartObject ? FieldState.Valid : FieldState.WrongKind;
                break;
            case Field.Tender:
                Tender = isString ? FieldState.Valid : FieldState.WrongKind;
                break;
            case Field.Time:
                Time = isString ? FieldState.Valid : FieldState.WrongKind;
                TimeOk = plain && LogEntry.IsEntryTime(reader.ValueSpan);
                break;
            case Field.Type:
                Type = isString ? FieldState.Valid : FieldState.WrongKind;
                TypePatternOk = plain && LogEntry.IsTypeName(reader.ValueSpan);
                break;
            case Field.Version:
                Version = token == JsonTokenType.Number && reader.TryGetInt32(out VersionValue) ? FieldState.Valid : FieldState.WrongKind;
                break;
        }
        _pending = Field.None;
    }
}
