using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Trading.ExpertPool;

/// <summary>Where a draw stands. Each phase allows only its own steps.</summary>
public enum DrawPhase
{
    /// <summary>Eligible list and request committed; offices may commit to their random values.</summary>
    Committing,
    /// <summary>Commitments closed; committed offices reveal; the beacon value may be entered.</summary>
    Revealing,
    /// <summary>Seed computed, strata ordered, committee selected; replacements may follow.</summary>
    Drawn,
    /// <summary>Voided by a supervisor with a reason; nothing further.</summary>
    Voided,
}

/// <summary>Why a serving expert left the committee.</summary>
public enum ReplacementReason
{
    /// <summary>Declined, for a reason declared before the draw.</summary>
    Declined,
    /// <summary>Could not be reached within the response window.</summary>
    NoAnswer,
    /// <summary>A conflict of interest came to light after the draw.</summary>
    ConflictFound,
}

/// <summary>The request as published: everything that shapes the draw, with bidders only as a keyed digest.</summary>
public sealed record PublicRequest
{
    /// <summary>Draw id.</summary>
    public required string DrawId { get; init; }
    /// <summary>Tender id.</summary>
    public required string TenderId { get; init; }
    /// <summary>Lot id.</summary>
    public required string LotId { get; init; }
    /// <summary>Owner party id (public in the tender notice).</summary>
    public required string OwnerId { get; init; }
    /// <summary>HMAC digest of the bidder ids (see <see cref="DrawAlgorithm.BiddersDigest"/>); auditors with the key can check it.</summary>
    public required string BiddersDigest { get; init; }
    /// <summary>Evaluation day.</summary>
    public required DateOnly EvaluationDate { get; init; }
    /// <summary>Evaluation place.</summary>
    public required string EvaluationPlace { get; init; }
    /// <summary>Committee size including owner representatives.</summary>
    public required int CommitteeSize { get; init; }
    /// <summary>Owner representative seats (not drawn).</summary>
    public required int OwnerRepresentativeSeats { get; init; }
    /// <summary>Eligibility rules applied.</summary>
    public required PoolRules Rules { get; init; }
    /// <summary>Strata, in ordinal id order.</summary>
    public required IReadOnlyList<StratumQuota> Strata { get; init; }
    /// <summary>Declared decline reasons.</summary>
    public required IReadOnlyList<string> DeclineReasons { get; init; }
    /// <summary>Beacon round named in advance, or null.</summary>
    public string? BeaconRound { get; init; }
}

/// <summary>One expert of the eligible list: a per-draw pseudonym and the strata the expert qualifies for (ordinal order).</summary>
public sealed record EligibleEntry(string Pseudonym, IReadOnlyList<string> Strata);

/// <summary>An office's commitment (lowercase hex SHA-256).</summary>
public sealed record OfficeCommitment(string Office, string Commitment, DateTimeOffset At);

/// <summary>An office's revealed value (lowercase hex).</summary>
public sealed record OfficeReveal(string Office, string Value, DateTimeOffset At);

/// <summary>A public beacon value for the round named in the request.</summary>
public sealed record BeaconEntry(string Round, string Value, string Source, DateTimeOffset At);

/// <summary>The outcome of one stratum: the full order (indices into the eligible list) and the selected pseudonyms.</summary>
public sealed record StratumResult(string Stratum, IReadOnlyList<int> Order, IReadOnlyList<string> Selected);

/// <summary>
/// One replacement: <see cref="Out"/> left for <see cref="Reason"/>; <see cref="In"/> is the next on the
/// stratum's reserve list, or null when the reserve is exhausted.
/// </summary>
public sealed record Replacement(int Seq, string Stratum, string Out, ReplacementReason Reason, string? DeclineReason, string? In, DateTimeOffset At);

/// <summary>A supervisor's voiding of the draw.</summary>
public sealed record VoidEntry(string Supervisor, string Reason, DateTimeOffset At);

/// <summary>A seat on the committee as it stands.</summary>
public sealed record CommitteeSeat(string Stratum, string Pseudonym);

/// <summary>
/// The draw record: every input, commitment, reveal, the seed, the ordering and the outcome. It is
/// also the draw's persisted state: each step of <see cref="DrawProcess"/> takes one and returns the next.
/// Contains pseudonyms only, so it can be published as is.
/// </summary>
public sealed record DrawRecord
{
    /// <summary>Record format name.</summary>
    public string Format { get; init; } = DrawAlgorithm.RecordFormat;
    /// <summary>Draw algorithm name and version.</summary>
    public string Algorithm { get; init; } = DrawAlgorithm.Name;
    /// <summary>Draw id.</summary>
    public required string DrawId { get; init; }
    /// <summary>Current phase.</summary>
    public required DrawPhase Phase { get; init; }
    /// <summary>The public request.</summary>
    public required PublicRequest Request { get; init; }
    /// <summary>Hex SHA-256 of the public request.</summary>
    public required string RequestHash { get; init; }
    /// <summary>Eligible list in canonical order (ascending pseudonym).</summary>
    public required IReadOnlyList<EligibleEntry> Eligible { get; init; }
    /// <summary>Hex SHA-256 of the eligible list.</summary>
    public required string ListHash { get; init; }
    /// <summary>When the list was committed.</summary>
    public required DateTimeOffset ListCommittedAt { get; init; }
    /// <summary>Commitments in arrival order.</summary>
    public IReadOnlyList<OfficeCommitment> Commitments { get; init; } = [];
    /// <summary>Reveals in arrival order.</summary>
    public IReadOnlyList<OfficeReveal> Reveals { get; init; } = [];
    /// <summary>Offices that committed but did not reveal (dropped from the seed), in fixed office order.</summary>
    public IReadOnlyList<string> MissingReveals { get; init; } = [];
    /// <summary>Beacon value, if the request named a round.</summary>
    public BeaconEntry? Beacon { get; init; }
    /// <summary>Hex seed, once drawn.</summary>
    public string? Seed { get; init; }
    /// <summary>When the draw was made.</summary>
    public DateTimeOffset? DrawnAt { get; init; }
    /// <summary>Per stratum ordering and selection, in ordinal stratum order.</summary>
    public IReadOnlyList<StratumResult> Strata { get; init; } = [];
    /// <summary>Replacements in order.</summary>
    public IReadOnlyList<Replacement> Replacements { get; init; } = [];
    /// <summary>Set when voided.</summary>
    public VoidEntry? Void { get; init; }
}

/// <summary>Reads and writes draw records as JSON (System.Text.Json, camelCase, enums as strings, fixed property order).</summary>
public static class DrawRecordJson
{
    private static readonly JsonSerializerOptions Compact = MakeOptions(false);
    private static readonly JsonSerializerOptions Indented = MakeOptions(true);

    /// <summary>The serializer options used, for the application's own endpoints.</summary>
    public static JsonSerializerOptions Options => Compact;

    /// <summary>Writes a record. The compact form is canonical: the same record always gives the same bytes.</summary>
    public static void Write(DrawRecord record, Stream output, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(record);
        JsonSerializer.Serialize(output, record, indented ? Indented : Compact);
    }

    /// <summary>Serializes to a string.</summary>
    public static string Serialize(DrawRecord record, bool indented = false) =>
        JsonSerializer.Serialize(record, indented ? Indented : Compact);

    /// <summary>Reads a record; malformed input raises <see cref="JsonException"/>.</summary>
    public static DrawRecord Read(Stream input) =>
        JsonSerializer.Deserialize<DrawRecord>(input, Compact) ?? throw new JsonException("The record is JSON null.");

    /// <summary>Parses a record from a string.</summary>
    public static DrawRecord Deserialize(string json) =>
        JsonSerializer.Deserialize<DrawRecord>(json, Compact) ?? throw new JsonException("The record is JSON null.");

    private static JsonSerializerOptions MakeOptions(bool indented)
    {
        var o = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            WriteIndented = indented,
            RespectRequiredConstructorParameters = true,
            RespectNullableAnnotations = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        };
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        o.Converters.Add(new EligibleEntryConverter());
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }
}

/// <summary>
/// Reads and writes eligible entries by hand: a record carries tens of thousands of them, and the
/// general constructor-based path is most of the time of verifying a record from its JSON. Equal
/// strata lists are read into one shared list (tens of thousands of entries name a handful of
/// combinations), which also lets the verifier compare ids by reference. The JSON is the same as
/// the general path writes: {"pseudonym":"…","strata":["…",…]}; anything else is refused.
/// </summary>
internal sealed class EligibleEntryConverter : JsonConverter<EligibleEntry>
{
    private const int MaxSharedLists = 64;

    [ThreadStatic]
    private static List<IReadOnlyList<string>>? t_shared;

    public override EligibleEntry Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("An eligible entry must be an object.");
        }
        string? pseudonym = null;
        IReadOnlyList<string>? strata = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (reader.ValueTextEquals("pseudonym"u8))
            {
                reader.Read();
                pseudonym = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw new JsonException("An eligible entry's pseudonym must be a string.");
            }
            else if (reader.ValueTextEquals("strata"u8))
            {
                reader.Read();
                strata = ReadStrata(ref reader);
            }
            else
            {
                throw new JsonException($"An eligible entry has an unknown property '{reader.GetString()}'.");
            }
        }
        if (pseudonym is null || strata is null)
        {
            throw new JsonException("An eligible entry needs 'pseudonym' and 'strata'.");
        }
        return new EligibleEntry(pseudonym, strata);
    }

    private static IReadOnlyList<string> ReadStrata(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("An eligible entry's strata must be an array.");
        }
        // Match the ids against the lists already seen while reading, so the common case allocates nothing.
        var shared = t_shared ??= [];
        var candidates = shared.Count == 64 ? ulong.MaxValue : (1UL << shared.Count) - 1;
        List<string>? ids = null;
        var k = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException("A stratum id must be a string.");
            }
            if (ids is null)
            {
                ulong still = 0;
                for (var c = 0; c < shared.Count; c++)
                {
                    if ((candidates & (1UL << c)) != 0 && shared[c].Count > k && reader.ValueTextEquals(shared[c][k]))
                    {
                        still |= 1UL << c;
                    }
                }
                if (still != 0)
                {
                    candidates = still;
                    k++;
                    continue;
                }
                // No list seen so far goes on like this one: the ids read so far are any remaining candidate's first k.
                ids = candidates == 0 ? [] : [.. shared[BitOperations.TrailingZeroCount(candidates)].Take(k)];
                candidates = 0;
            }
            ids.Add(reader.GetString()!);
            k++;
        }
        if (ids is null)
        {
            for (var c = 0; c < shared.Count; c++)
            {
                if ((candidates & (1UL << c)) != 0 && shared[c].Count == k)
                {
                    return shared[c];
                }
            }
            ids = candidates == 0 ? [] : [.. shared[BitOperations.TrailingZeroCount(candidates)].Take(k)];
        }
        IReadOnlyList<string> made = Array.AsReadOnly(ids.ToArray());
        if (shared.Count < MaxSharedLists)
        {
            shared.Add(made);
        }
        return made;
    }

    public override void Write(Utf8JsonWriter writer, EligibleEntry value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("pseudonym"u8, value.Pseudonym);
        writer.WritePropertyName("strata"u8);
        writer.WriteStartArray();
        foreach (var id in value.Strata)
        {
            writer.WriteStringValue(id);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
