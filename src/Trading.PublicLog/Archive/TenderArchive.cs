using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace Trading.PublicLog.Archive;

/// <summary>
/// A tender's archive package (电子档案, docs/archive-format.md): a strict ustar file holding <c>manifest.json</c>, the
/// centre's RFC 3161 time-stamp over it (<c>manifest.tst</c>), every file of the tender, and the tender's log entries
/// each with an inclusion proof against one checkpoint the supervision office cosigned, with the certificates that
/// make all of it checkable offline with the centre's root certificate alone.
/// </summary>
public static class TenderArchive
{
    /// <summary>The format name in the manifest.</summary>
    public const string Format = "trading-archive/v1";
    /// <summary>Member paths with a fixed meaning.</summary>
    public const string ManifestPath = "manifest.json";
    /// <summary>The RFC 3161 token over <see cref="Imprint"/> of the manifest.</summary>
    public const string StampPath = "manifest.tst";
    /// <summary>The cosigned checkpoint note.</summary>
    public const string CheckpointPath = "log/checkpoint.txt";
    /// <summary>The tender's entries with their proofs (JSON Lines).</summary>
    public const string EntriesPath = "log/entries.jsonl";
    /// <summary>PEM: the log signing certificate, then the CA certificates below the root.</summary>
    public const string LogCertificatesPath = "log/log-signing.pem";
    /// <summary>PEM: the supervision office's witness certificate.</summary>
    public const string WitnessCertificatePath = "log/witness.pem";
    /// <summary>Kinds of the log members (the others are the builder's choice, listed in the spec).</summary>
    public const string LogKind = "log";
    /// <summary>The signed index (档案目录): a PDF sealed by the centre listing every other member; the last member.</summary>
    public const string IndexPath = "record/index.pdf";
    /// <summary>The index's kind.</summary>
    public const string IndexKind = "archive-index";
    /// <summary>The name of the PDF's attachment that holds the list it prints (<see cref="ArchiveIndex.ToBytes"/>).</summary>
    public const string IndexAttachment = "index.json";

    /// <summary>Largest manifest, token or log member the verifier holds in memory.</summary>
    public const int MaxInMemory = 64 * 1024 * 1024;

    /// <summary>The bytes the time-stamp covers: SHA-256 of a domain prefix and the manifest's canonical bytes.</summary>
    public static byte[] Imprint(ReadOnlySpan<byte> manifest) => SHA256.HashData([.. "trading/archive/v1\n"u8, .. manifest]);

    internal static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Whole seconds: the tar header's time and the manifest's must be the same instant.</summary>
    public static DateTimeOffset Seconds(DateTimeOffset t) => DateTimeOffset.FromUnixTimeSeconds(t.ToUnixTimeSeconds());
}

/// <summary>What the manifest says about the tender (free text for people; <c>Id</c> is what log entries carry).</summary>
public sealed record ArchiveTender(string Id, string Code, string Title, string Owner, string State);

/// <summary>One file of the tender to put in the package; <paramref name="LogIndex"/> names the log entry that states its SHA-256.</summary>
public sealed record ArchiveItem(string Path, string Kind, string Title, Func<CancellationToken, Task<Stream>> Open, long? LogIndex = null)
{
    /// <summary>A file already in memory.</summary>
    public static ArchiveItem FromBytes(string path, string kind, string title, byte[] content, long? logIndex = null) =>
        new(path, kind, title, _ => Task.FromResult<Stream>(new MemoryStream(content, writable: false)), logIndex);
}

/// <summary>A log entry of the tender and its inclusion proof in the cosigned checkpoint's tree.</summary>
public sealed record ArchiveLogEntry(long Index, byte[] Entry, IReadOnlyList<byte[]> Proof)
{
    /// <summary>The JSON line: <c>{"entry":"…","index":N,"leafHash":"b64","proof":["b64",…]}</c>, canonical.</summary>
    public string ToJsonLine() => Encoding.UTF8.GetString(CanonicalJson.Serialize(new JsonObject
    {
        ["entry"] = Encoding.UTF8.GetString(Entry),
        ["index"] = Index,
        ["leafHash"] = Convert.ToBase64String(MerkleHash.Leaf(Entry)),
        ["proof"] = new JsonArray([.. Proof.Select(p => (JsonNode)Convert.ToBase64String(p))]),
    }));
}

/// <summary>One file the manifest lists.</summary>
public sealed record ArchiveFileEntry(string Path, string Kind, string Title, long Length, string Sha256, long? LogIndex);

/// <summary>
/// The JSON forms the manifest and the index share, so a file is written and read one way in both; <c>code</c> names the
/// refusal of the document being read.
/// </summary>
internal static class ArchiveJson
{
    public static JsonObject Tender(ArchiveTender t) => new() { ["id"] = t.Id, ["code"] = t.Code, ["title"] = t.Title, ["owner"] = t.Owner, ["state"] = t.State };

    public static JsonObject Retention(int years, DateOnly until) => new() { ["years"] = years, ["until"] = until.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) };

    public static JsonArray Files(IEnumerable<ArchiveFileEntry> files)
    {
        var array = new JsonArray();
        foreach (var f in files)
        {
            var o = new JsonObject { ["path"] = f.Path, ["kind"] = f.Kind, ["title"] = f.Title, ["length"] = f.Length, ["sha256"] = f.Sha256 };
            if (f.LogIndex is long i)
            {
                o["logIndex"] = i;
            }
            array.Add(o);
        }
        return array;
    }

    /// <summary>Reads one canonical JSON document strictly.</summary>
    public sealed class Reader(string code)
    {
        public LogFormatException Bad(string reason) => new(code, Args.Of(("reason", reason)));

        public JsonObject Root(ReadOnlySpan<byte> bytes)
        {
            if (!CanonicalJson.IsCanonical(bytes))
            {
                throw Bad("not canonical JSON");
            }
            try
            {
                return JsonNode.Parse(bytes) as JsonObject ?? throw Bad("not a JSON object");
            }
            catch (System.Text.Json.JsonException e)
            {
                throw Bad(e.Message);
            }
        }

        public string Str(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw Bad($"'{name}' missing or not a string");

        public long Long(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<long>(out var l) ? l : throw Bad($"'{name}' missing or not an integer");

        public JsonObject Obj(JsonObject o, string name) => o[name] as JsonObject ?? throw Bad($"'{name}' missing or not an object");

        public DateTimeOffset Time(JsonObject o, string name) =>
            DateTimeOffset.TryParseExact(Str(o, name), "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
                ? t : throw Bad($"'{name}' must be yyyy-MM-ddTHH:mm:ssZ");

        public ArchiveTender Tender(JsonObject root)
        {
            var t = Obj(root, "tender");
            return new ArchiveTender(Str(t, "id"), Str(t, "code"), Str(t, "title"), Str(t, "owner"), Str(t, "state"));
        }

        public (int Years, DateOnly Until) Retention(JsonObject root)
        {
            var r = Obj(root, "retention");
            return DateOnly.TryParseExact(Str(r, "until"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var until)
                ? ((int)Math.Clamp(Long(r, "years"), 0, 10_000), until) : throw Bad("retention.until must be yyyy-MM-dd");
        }

        public List<ArchiveFileEntry> Files(JsonObject root)
        {
            var files = new List<ArchiveFileEntry>();
            foreach (var node in root["files"] as JsonArray ?? throw Bad("'files' missing or not an array"))
            {
                var f = node as JsonObject ?? throw Bad("a file is not an object");
                var sha = Str(f, "sha256");
                if (sha.Length != 64 || !sha.All(char.IsAsciiHexDigitLower))
                {
                    throw Bad("sha256 must be 64 lower-case hex digits");
                }
                var path = Str(f, "path");
                if (!ArchiveTar.IsValidName(path) || path is TenderArchive.ManifestPath or TenderArchive.StampPath || files.Any(x => x.Path == path))
                {
                    throw Bad($"path '{path}' is not allowed or repeated");
                }
                files.Add(new ArchiveFileEntry(path, Str(f, "kind"), Str(f, "title"), Long(f, "length"), sha, f["logIndex"] is null ? null : Long(f, "logIndex")));
            }
            return files;
        }
    }
}

/// <summary>
/// What the signed index (<see cref="TenderArchive.IndexPath"/>) prints and carries as its attachment: the manifest's
/// facts and its list of every other member, with the checkpoint's root. One value for the page and the check.
/// </summary>
public sealed record ArchiveIndex(ArchiveTender Tender, DateTimeOffset ArchivedAt, int RetentionYears, DateOnly RetainUntil,
    long CheckpointSize, byte[] CheckpointRoot, IReadOnlyList<ArchiveFileEntry> Files)
{
    /// <summary>The attachment's format name.</summary>
    public const string Format = "trading-archive-index/v1";

    /// <summary>Canonical bytes.</summary>
    public byte[] ToBytes() => CanonicalJson.Serialize(new JsonObject
    {
        ["format"] = Format,
        ["tender"] = ArchiveJson.Tender(Tender),
        ["archivedAt"] = TenderArchive.Time(ArchivedAt),
        ["retention"] = ArchiveJson.Retention(RetentionYears, RetainUntil),
        ["checkpoint"] = new JsonObject { ["size"] = CheckpointSize, ["root"] = Convert.ToBase64String(CheckpointRoot) },
        ["files"] = ArchiveJson.Files(Files),
    });

    /// <summary>Parses the attachment strictly (<c>archive.index-malformed</c>).</summary>
    public static ArchiveIndex Parse(ReadOnlySpan<byte> bytes)
    {
        var r = new ArchiveJson.Reader("archive.index-malformed");
        var root = r.Root(bytes);
        if (r.Str(root, "format") != Format)
        {
            throw r.Bad($"format is not {Format}");
        }
        var checkpoint = r.Obj(root, "checkpoint");
        byte[] hash;
        try
        {
            hash = StrictBase64.DecodeHash(r.Str(checkpoint, "root"), "root");
        }
        catch (PublicLogException e)
        {
            throw r.Bad(e.Message);
        }
        var (years, until) = r.Retention(root);
        return new ArchiveIndex(r.Tender(root), r.Time(root, "archivedAt"), years, until, r.Long(checkpoint, "size"), hash, r.Files(root));
    }
}

/// <summary>The manifest (canonical JSON).</summary>
public sealed record ArchiveManifest(
    DateTimeOffset BuiltAt, ArchiveTender Tender, DateTimeOffset ArchivedAt, int RetentionYears, DateOnly RetainUntil,
    string Origin, string WitnessName, long CheckpointSize, long EntryCount, IReadOnlyList<ArchiveFileEntry> Files)
{
    /// <summary>The last day to keep the package: the archiving date plus the retention years.</summary>
    public static DateOnly RetentionEnd(DateTimeOffset archivedAt, int years) => DateOnly.FromDateTime(archivedAt.UtcDateTime).AddYears(years);

    /// <summary>Canonical bytes.</summary>
    public byte[] ToBytes() => CanonicalJson.Serialize(new JsonObject
    {
        ["format"] = TenderArchive.Format,
        ["builtAt"] = TenderArchive.Time(BuiltAt),
        ["tender"] = ArchiveJson.Tender(Tender),
        ["archivedAt"] = TenderArchive.Time(ArchivedAt),
        ["retention"] = ArchiveJson.Retention(RetentionYears, RetainUntil),
        ["log"] = new JsonObject { ["origin"] = Origin, ["witness"] = WitnessName, ["checkpointSize"] = CheckpointSize, ["entries"] = EntryCount },
        ["files"] = ArchiveJson.Files(Files),
    });

    /// <summary>Parses a manifest strictly (canonical form, every field present and typed).</summary>
    public static ArchiveManifest Parse(ReadOnlySpan<byte> bytes)
    {
        var r = new ArchiveJson.Reader("archive.manifest-malformed");
        var root = r.Root(bytes);
        if (r.Str(root, "format") != TenderArchive.Format)
        {
            throw r.Bad($"format is not {TenderArchive.Format}");
        }
        var log = r.Obj(root, "log");
        var files = r.Files(root);
        var (years, until) = r.Retention(root);
        return new ArchiveManifest(r.Time(root, "builtAt"), r.Tender(root), r.Time(root, "archivedAt"), years, until,
            r.Str(log, "origin"), r.Str(log, "witness"), r.Long(log, "checkpointSize"), r.Long(log, "entries"), files);
    }
}

/// <summary>
/// Writes a package. Two passes over the files: the first hashes them for the manifest (which is time-stamped before
/// anything is written, so the package can stream straight to an HTTP response), the second writes them.
/// </summary>
public sealed class TenderArchiveBuilder
{
    /// <summary>The tender.</summary>
    public required ArchiveTender Tender { get; init; }
    /// <summary>When the tender was archived (the logged act).</summary>
    public required DateTimeOffset ArchivedAt { get; init; }
    /// <summary>Years to keep the package (configuration).</summary>
    public required int RetentionYears { get; init; }
    /// <summary>When the package is built; the manifest's and every tar header's time.</summary>
    public required DateTimeOffset BuiltAt { get; init; }
    /// <summary>The tender's files, in the order they are to appear.</summary>
    public required IReadOnlyList<ArchiveItem> Files { get; init; }
    /// <summary>The checkpoint note, with the log's signature and the witness's cosignature.</summary>
    public required string CosignedCheckpoint { get; init; }
    /// <summary>The witness's key name.</summary>
    public required string WitnessName { get; init; }
    /// <summary>The log signing certificate first, then the CAs below the root.</summary>
    public required IReadOnlyList<X509Certificate2> LogCertificates { get; init; }
    /// <summary>The witness's certificate.</summary>
    public required X509Certificate2 WitnessCertificate { get; init; }
    /// <summary>The tender's log entries in index order, with proofs against the checkpoint.</summary>
    public required IReadOnlyList<ArchiveLogEntry> Entries { get; init; }
    /// <summary>Makes an RFC 3161 token (DER) over an imprint.</summary>
    public required Func<byte[], CancellationToken, Task<byte[]>> Stamp { get; init; }

    /// <summary>
    /// Renders the signed index (<see cref="TenderArchive.IndexPath"/>) from the list of the other members; the PDF must
    /// carry <see cref="ArchiveIndex.ToBytes"/> as its attachment <see cref="TenderArchive.IndexAttachment"/>. None when null.
    /// </summary>
    public Func<ArchiveIndex, CancellationToken, Task<byte[]>>? Index { get; init; }

    private static async Task<ArchiveFileEntry> HashAsync(ArchiveItem item, CancellationToken ct)
    {
        await using var s = await item.Open(ct);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long length = 0;
        int read;
        while ((read = await s.ReadAsync(buffer, ct)) > 0)
        {
            sha.AppendData(buffer, 0, read);
            length += read;
        }
        return new ArchiveFileEntry(item.Path, item.Kind, item.Title, length, Convert.ToHexStringLower(sha.GetHashAndReset()), item.LogIndex);
    }

    /// <summary>Hashes everything, stamps the manifest and writes the package to <paramref name="output"/>.</summary>
    public async Task<ArchiveManifest> WriteAsync(Stream output, CancellationToken ct = default)
    {
        var time = TenderArchive.Seconds(BuiltAt);
        var checkpoint = Checkpoint.ParseNoteText(SignedNote.Split(CosignedCheckpoint).Text);
        var logItems = new[]
        {
            ArchiveItem.FromBytes(TenderArchive.CheckpointPath, TenderArchive.LogKind, "cosigned checkpoint", Encoding.UTF8.GetBytes(CosignedCheckpoint)),
            ArchiveItem.FromBytes(TenderArchive.EntriesPath, TenderArchive.LogKind, "log entries with inclusion proofs",
                Encoding.UTF8.GetBytes(string.Concat(Entries.Select(e => e.ToJsonLine() + "\n")))),
            ArchiveItem.FromBytes(TenderArchive.LogCertificatesPath, TenderArchive.LogKind, "log signing certificate chain",
                Encoding.ASCII.GetBytes(string.Concat(LogCertificates.Select(c => c.ExportCertificatePem() + "\n")))),
            ArchiveItem.FromBytes(TenderArchive.WitnessCertificatePath, TenderArchive.LogKind, "witness certificate",
                Encoding.ASCII.GetBytes(WitnessCertificate.ExportCertificatePem() + "\n")),
        };
        var items = Files.Concat(logItems).ToList();
        var listed = new List<ArchiveFileEntry>(items.Count + 1);
        foreach (var item in items)
        {
            listed.Add(await HashAsync(item, ct));
        }
        if (Index is { } render)
        {
            // The index lists what is already hashed, so it comes last and cannot list itself.
            var index = new ArchiveIndex(Tender, TenderArchive.Seconds(ArchivedAt), RetentionYears, ArchiveManifest.RetentionEnd(ArchivedAt, RetentionYears),
                checkpoint.Size, checkpoint.Root, [.. listed]);
            var item = ArchiveItem.FromBytes(TenderArchive.IndexPath, TenderArchive.IndexKind, "archive index (档案目录)", await render(index, ct));
            items.Add(item);
            listed.Add(await HashAsync(item, ct));
        }
        var manifest = new ArchiveManifest(time, Tender, TenderArchive.Seconds(ArchivedAt), RetentionYears,
            ArchiveManifest.RetentionEnd(ArchivedAt, RetentionYears), checkpoint.Origin, WitnessName, checkpoint.Size, Entries.Count, listed);
        var manifestBytes = manifest.ToBytes();
        var token = await Stamp(TenderArchive.Imprint(manifestBytes), ct);
        await ArchiveTar.WriteMemberAsync(output, TenderArchive.ManifestPath, manifestBytes.Length, time, new MemoryStream(manifestBytes), ct);
        await ArchiveTar.WriteMemberAsync(output, TenderArchive.StampPath, token.Length, time, new MemoryStream(token), ct);
        for (int i = 0; i < items.Count; i++)
        {
            await using var s = await items[i].Open(ct);
            await ArchiveTar.WriteMemberAsync(output, listed[i].Path, listed[i].Length, time, s, ct);
        }
        await ArchiveTar.WriteEndAsync(output, ct);
        return manifest;
    }
}
