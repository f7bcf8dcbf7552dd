using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Trading.PublicLog;

/// <summary>Entry types the platform logs (the <c>type</c> field). New kinds add a constant; changes to a kind's data bump its schema version.</summary>
public static class LogEntryTypes
{
    /// <summary>A tender notice was published.</summary>
    public const string TenderPublished = "tender.published";
    /// <summary>A published tender or its documents changed (clarification, amendment).</summary>
    public const string TenderChanged = "tender.changed";
    /// <summary>A bidder downloaded the tender documents (bidder pseudonymous).</summary>
    public const string DocumentDownloaded = "document.downloaded";
    /// <summary>A firm registered.</summary>
    public const string FirmRegistered = "firm.registered";
    /// <summary>A firm registration was approved.</summary>
    public const string FirmApproved = "firm.approved";
    /// <summary>A key ceremony record (commitments, proofs, joint key).</summary>
    public const string KeyCeremony = "key-ceremony.record";
    /// <summary>A sealed bid was received (hashes and length only).</summary>
    public const string BidSubmitted = "bid.submitted";
    /// <summary>A bid was withdrawn before the deadline.</summary>
    public const string BidWithdrawn = "bid.withdrawn";
    /// <summary>The deadline checkpoint with the list of ciphertext hashes.</summary>
    public const string DeadlineCheckpoint = "deadline.checkpoint";
    /// <summary>An opening record.</summary>
    public const string Opening = "opening.record";
    /// <summary>An expert draw's inputs and result (pseudonymous).</summary>
    public const string Draw = "draw.record";
    /// <summary>An expert check-in.</summary>
    public const string CheckIn = "checkin.record";
    /// <summary>A sanction (bad behaviour record, suspension).</summary>
    public const string Sanction = "sanction.record";
}

/// <summary>
/// One log entry: <c>{"data":{...},"tender":"...","time":"...","type":"...","v":1}</c> in canonical JSON
/// (<see cref="CanonicalJson"/>). <c>time</c> is UTC with milliseconds, <c>tender</c> is optional.
/// Personal data never goes in <see cref="Data"/> in the clear: use <see cref="Pseudonymizer"/>.
/// </summary>
public sealed partial record LogEntry(string Type, int SchemaVersion, DateTimeOffset Time, string? Tender, JsonObject Data)
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    [GeneratedRegex("^[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)+$")]
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
    /// Checks stored entry bytes are a canonical, well-formed entry without building the object:
    /// one parse, for verifying millions of entries.
    /// </summary>
    public static void Validate(ReadOnlySpan<byte> canonicalBytes)
    {
        using var doc = ParseDocument(canonicalBytes);
        Fields(doc.RootElement);
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
