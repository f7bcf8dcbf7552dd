using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Tsp;

namespace Trading.PublicLog.Archive;

/// <summary>The outcome of checking a package: on failure, the member (file) to blame and why.</summary>
public sealed record ArchiveVerification(bool Ok, string? File, PublicLogException? Problem, ArchiveManifest? Manifest,
    TimeStampInfo? Stamp, Checkpoint? Checkpoint, DateTimeOffset? CosignedAt, int EntriesChecked, int SealedOpened, ArchiveIndex? Index = null);

/// <summary>
/// Checks the signed index's PDF signature (throwing a <see cref="PublicLogException"/> when it does not hold) and returns
/// its attachment <see cref="TenderArchive.IndexAttachment"/>: PDF reading lives with the report library, not here.
/// </summary>
public delegate byte[] ArchiveIndexReader(byte[] pdf);

/// <summary>
/// Checks a package offline with the centre's root certificate alone (docs/archive-format.md "Verification"), in one
/// forward pass over the tar, and names the first file that fails.
/// </summary>
public static class TenderArchiveVerifier
{
    private sealed class Failure(string file, PublicLogException problem) : Exception(problem.Message, problem)
    {
        public string File { get; } = file;
        public PublicLogException Problem { get; } = problem;
    }

    private static Failure Fail(string file, string code, params (string Key, object? Value)[] args) =>
        new(file, new LogVerificationException(code, Args.Of([("file", file), .. args])));

    /// <summary>Verifies a package without a signed index; one with an index fails (<c>archive.index-unchecked</c>).</summary>
    public static Task<ArchiveVerification> VerifyAsync(Stream archive, X509Certificate2 root, CancellationToken ct = default) =>
        VerifyAsync(archive, root, null, ct);

    /// <summary>
    /// Verifies the package read from <paramref name="archive"/>, its signed index through <paramref name="readIndex"/>;
    /// never throws for a bad package.
    /// </summary>
    public static Task<ArchiveVerification> VerifyAsync(Stream archive, X509Certificate2 root, ArchiveIndexReader? readIndex, CancellationToken ct = default) =>
        VerifyAsync(archive, root, readIndex, [], ct);

    /// <summary>
    /// The same, where the manifest's time-stamp may also be an external TSA's (a deployment with <c>PublicLog:TsaUrl</c>):
    /// its token must chain to <paramref name="root"/> or to one of <paramref name="tsaRoots"/>. The log's certificates
    /// chain to <paramref name="root"/> alone.
    /// </summary>
    public static async Task<ArchiveVerification> VerifyAsync(Stream archive, X509Certificate2 root, ArchiveIndexReader? readIndex, IReadOnlyList<X509Certificate2> tsaRoots, CancellationToken ct = default)
    {
        ArchiveManifest? manifest = null;
        TimeStampInfo? stamp = null;
        try
        {
            var reader = new BlockReader(archive);
            // 1. The manifest: its header is rebuilt once the manifest (which fixes the time) is read.
            var (manifestHeader, manifestBytes) = await ReadInMemoryAsync(reader, TenderArchive.ManifestPath, ct);
            try
            {
                manifest = ArchiveManifest.Parse(manifestBytes);
            }
            catch (PublicLogException e)
            {
                throw new Failure(TenderArchive.ManifestPath, e);
            }
            var time = manifest.BuiltAt;
            RequireHeader(manifestHeader, TenderArchive.ManifestPath, manifestBytes.Length, time);

            // 2. The centre's time-stamp: first that the token is the TSA's over the digest it states, then that the digest is the manifest's.
            var (stampHeader, token) = await ReadInMemoryAsync(reader, TenderArchive.StampPath, ct);
            RequireHeader(stampHeader, TenderArchive.StampPath, token.Length, time);
            var stated = StatedImprint(token);
            try
            {
                // The centre TSA's token, or an external TSA's under one of its roots; else the centre root's reason stands.
                stamp = TimeStampVerifier.VerifyUnderAny(token, stated, [root, .. tsaRoots]).Info;
            }
            catch (PublicLogException e)
            {
                throw new Failure(TenderArchive.StampPath, e);
            }
            if (!MerkleHash.Equal(stated, TenderArchive.Imprint(manifestBytes)))
            {
                throw Fail(TenderArchive.ManifestPath, "archive.manifest-not-stamped");
            }

            // 3. Every listed file in order, hashed as it streams; the log's members are kept for step 4.
            var kept = new Dictionary<string, byte[]>();
            foreach (var f in manifest.Files)
            {
                var header = await reader.ReadBlockAsync(ct) ?? throw Fail(f.Path, "archive.missing-member");
                if (header.AsSpan().IndexOfAnyExcept((byte)0) < 0)
                {
                    throw Fail(f.Path, "archive.missing-member");
                }
                if (f.Length is < 0 or > ArchiveTar.MaxSize)
                {
                    throw Fail(TenderArchive.ManifestPath, "archive.manifest-malformed", ("reason", $"length of {f.Path}"));
                }
                RequireHeader(header, f.Path, f.Length, time);
                bool keep = f.Path.StartsWith("log/", StringComparison.Ordinal) || f.Path == TenderArchive.IndexPath;
                if (keep && f.Length > TenderArchive.MaxInMemory)
                {
                    throw Fail(f.Path, "archive.too-large", ("max", TenderArchive.MaxInMemory));
                }
                var (sha, content) = await reader.ReadContentAsync(f.Path, f.Length, keep, ct);
                if (Convert.ToHexStringLower(sha) != f.Sha256)
                {
                    throw Fail(f.Path, "archive.file-mismatch");
                }
                if (content is not null)
                {
                    kept[f.Path] = content;
                }
            }
            await reader.RequireEndAsync(manifest.Files.Count > 0 ? manifest.Files[^1].Path : TenderArchive.StampPath, ct);

            // 4. The log: certificates to the root, the checkpoint signed and cosigned, each entry in its tree and the tender's.
            var (checkpoint, cosignedAt, entries, opened) = CheckLog(manifest, kept, root);

            // 5. Files whose SHA-256 a log entry states (documents, the transcript, the report): that entry must say it.
            foreach (var f in manifest.Files.Where(f => f.LogIndex is not null))
            {
                if (!entries.TryGetValue(f.LogIndex!.Value, out var entry) || entry.AsSpan().IndexOf(Encoding.ASCII.GetBytes(f.Sha256)) < 0)
                {
                    throw Fail(f.Path, "archive.file-not-logged", ("index", f.LogIndex));
                }
            }

            // 6. The signed index, when the package has one: its seal holds and it lists exactly the other members.
            var index = kept.TryGetValue(TenderArchive.IndexPath, out var pdf) ? CheckIndex(manifest, pdf, checkpoint, readIndex) : null;
            return new ArchiveVerification(true, null, null, manifest, stamp, checkpoint, cosignedAt, entries.Count, opened, index);
        }
        catch (Failure f)
        {
            return new ArchiveVerification(false, f.File, f.Problem, manifest, stamp, null, null, 0, 0);
        }
    }

    private static ArchiveIndex CheckIndex(ArchiveManifest manifest, byte[] pdf, Checkpoint checkpoint, ArchiveIndexReader? readIndex)
    {
        const string file = TenderArchive.IndexPath;
        if (readIndex is null)
        {
            throw Fail(file, "archive.index-unchecked");
        }
        ArchiveIndex index;
        try
        {
            index = ArchiveIndex.Parse(readIndex(pdf));
        }
        catch (PublicLogException e)
        {
            throw new Failure(file, e);
        }
        if (index.Tender != manifest.Tender)
        {
            throw Fail(file, "archive.index-differs", ("field", "tender"));
        }
        if (index.ArchivedAt != manifest.ArchivedAt || index.RetentionYears != manifest.RetentionYears || index.RetainUntil != manifest.RetainUntil)
        {
            throw Fail(file, "archive.index-differs", ("field", "archivedAt/retention"));
        }
        if (index.CheckpointSize != checkpoint.Size || !MerkleHash.Equal(index.CheckpointRoot, checkpoint.Root))
        {
            throw Fail(file, "archive.index-differs", ("field", "checkpoint"));
        }
        // Step 3 matched each member to the manifest, so comparing the index with the manifest compares it with the
        // members; a difference is blamed on the file it concerns.
        var others = manifest.Files.Where(f => f.Path != file).ToList();
        foreach (var f in others)
        {
            var listed = index.Files.FirstOrDefault(x => x.Path == f.Path) ?? throw Fail(f.Path, "archive.index-unlisted");
            if (listed.Length != f.Length || listed.Sha256 != f.Sha256)
            {
                throw Fail(f.Path, "archive.index-differs", ("field", "length/sha256"));
            }
            if (listed != f)
            {
                throw Fail(f.Path, "archive.index-differs", ("field", "kind/title/logIndex"));
            }
        }
        if (index.Files.FirstOrDefault(x => !others.Any(f => f.Path == x.Path)) is { } extra)
        {
            throw Fail(extra.Path, "archive.index-extra");
        }
        return index;
    }

    private static byte[] StatedImprint(byte[] token)
    {
        try
        {
            var info = new TimeStampToken(new CmsSignedData(token)).TimeStampInfo;
            return info.GetMessageImprintDigest();
        }
        catch (Exception e) when (e is CmsException or TspException or IOException or ArgumentException or InvalidCastException or Org.BouncyCastle.Asn1.Asn1Exception)
        {
            throw new Failure(TenderArchive.StampPath, new LogFormatException("tsa.malformed", Args.Of(("reason", e.Message)), e));
        }
    }

    private static async Task<(byte[] Header, byte[] Content)> ReadInMemoryAsync(BlockReader reader, string expected, CancellationToken ct)
    {
        var header = await reader.ReadBlockAsync(ct);
        if (header is null || ArchiveTar.Peek(header) is not { } claimed)
        {
            throw Fail(expected, "archive.missing-member");
        }
        if (claimed.Name != expected)
        {
            throw Fail(expected, "archive.header-altered");
        }
        if (claimed.Size is < 0 or > TenderArchive.MaxInMemory)
        {
            throw Fail(expected, "archive.too-large", ("max", TenderArchive.MaxInMemory));
        }
        var (_, content) = await reader.ReadContentAsync(expected, claimed.Size, keep: true, ct);
        return (header, content!);
    }

    private static void RequireHeader(byte[] header, string path, long length, DateTimeOffset time)
    {
        if (!header.AsSpan().SequenceEqual(ArchiveTar.Header(path, length, time)))
        {
            throw Fail(path, "archive.header-altered");
        }
    }

    private static (Checkpoint Checkpoint, DateTimeOffset CosignedAt, Dictionary<long, byte[]> Entries, int Opened) CheckLog(
        ArchiveManifest manifest, Dictionary<string, byte[]> kept, X509Certificate2 root)
    {
        byte[] Member(string path) => kept.TryGetValue(path, out var b) ? b : throw Fail(TenderArchive.ManifestPath, "archive.manifest-malformed", ("reason", $"{path} is not listed"));
        var note = Encoding.UTF8.GetString(Member(TenderArchive.CheckpointPath));
        var logCerts = Certificates(TenderArchive.LogCertificatesPath, Member(TenderArchive.LogCertificatesPath));
        var witnessCerts = Certificates(TenderArchive.WitnessCertificatePath, Member(TenderArchive.WitnessCertificatePath));
        var entriesBytes = Member(TenderArchive.EntriesPath);
        try
        {
            Checkpoint claimed;
            try
            {
                claimed = Checkpoint.ParseNoteText(SignedNote.Split(note).Text);
            }
            catch (PublicLogException e)
            {
                throw new Failure(TenderArchive.CheckpointPath, e);
            }
            // Chains checked at the checkpoint's time: the signatures were made then, so an old package stays verifiable.
            var intermediates = logCerts.Skip(1).ToList();
            try
            {
                CentreTrust.RequireChain(logCerts[0], root, intermediates, claimed.Time);
            }
            catch (PublicLogException e)
            {
                throw new Failure(TenderArchive.LogCertificatesPath, e);
            }
            try
            {
                CentreTrust.RequireChain(witnessCerts[0], root, intermediates.Concat(witnessCerts.Skip(1)), claimed.Time);
            }
            catch (PublicLogException e)
            {
                throw new Failure(TenderArchive.WitnessCertificatePath, e);
            }
            Checkpoint checkpoint;
            DateTimeOffset cosignedAt;
            try
            {
                checkpoint = SignedNote.OpenCheckpoint(note, NoteVerifier.FromCertificate(manifest.Origin, logCerts[0]), manifest.Origin);
                cosignedAt = SignedNote.VerifyCosignature(note, NoteVerifier.FromCertificate(manifest.WitnessName, witnessCerts[0]));
            }
            catch (PublicLogException e)
            {
                throw new Failure(TenderArchive.CheckpointPath, e);
            }
            if (checkpoint.Size != manifest.CheckpointSize)
            {
                throw Fail(TenderArchive.CheckpointPath, "archive.checkpoint-size", ("size", checkpoint.Size), ("expected", manifest.CheckpointSize));
            }
            var (entries, opened) = CheckEntries(manifest, entriesBytes, checkpoint);
            return (checkpoint, cosignedAt, entries, opened);
        }
        finally
        {
            logCerts.ForEach(c => c.Dispose());
            witnessCerts.ForEach(c => c.Dispose());
        }
    }

    private static List<X509Certificate2> Certificates(string path, byte[] pem)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(Encoding.ASCII.GetString(pem));
        }
        catch (CryptographicException e)
        {
            throw new Failure(path, new LogFormatException("key.invalid", Args.Of(("kind", "certificate"), ("reason", e.Message)), e));
        }
        return collection.Count > 0 ? [.. collection]
            : throw new Failure(path, new LogFormatException("key.invalid", Args.Of(("kind", "certificate"), ("reason", "no certificate"))));
    }

    private static (Dictionary<long, byte[]> Entries, int Opened) CheckEntries(ArchiveManifest manifest, byte[] jsonl, Checkpoint checkpoint)
    {
        const string file = TenderArchive.EntriesPath;
        Failure Bad(long index, string reason) => Fail(file, "archive.log-entry", ("index", index), ("reason", reason));
        var entries = new Dictionary<long, byte[]>();
        var sealedIncluded = new HashSet<long>();
        var sealedChecker = new SealedActs.RevealChecker();
        long previous = -1;
        int lines = 0;
        foreach (var raw in jsonl.AsSpan().Split((byte)'\n'))
        {
            var line = jsonl.AsSpan()[raw];
            if (line.IsEmpty)
            {
                continue;
            }
            lines++;
            if (!CanonicalJson.IsCanonical(line))
            {
                throw Bad(previous + 1, "the line is not canonical JSON");
            }
            using var doc = JsonDocument.Parse(line.ToArray());
            var r = doc.RootElement;
            if (r.ValueKind != JsonValueKind.Object || r.EnumerateObject().Count() != 4
                || !r.TryGetProperty("index", out var iv) || !iv.TryGetInt64(out var index)
                || !r.TryGetProperty("entry", out var ev) || ev.ValueKind != JsonValueKind.String
                || !r.TryGetProperty("leafHash", out var lv) || lv.ValueKind != JsonValueKind.String
                || !r.TryGetProperty("proof", out var pv) || pv.ValueKind != JsonValueKind.Array)
            {
                throw Bad(previous + 1, "a line needs exactly entry, index, leafHash and proof");
            }
            if (index <= previous || index >= checkpoint.Size)
            {
                throw Bad(index, "indexes must increase and lie inside the checkpoint's tree");
            }
            previous = index;
            var entry = Encoding.UTF8.GetBytes(ev.GetString()!);
            var leaf = MerkleHash.Leaf(entry);
            try
            {
                if (!MerkleHash.Equal(leaf, StrictBase64.DecodeHash(lv.GetString(), "leafHash")))
                {
                    throw Bad(index, "the entry does not hash to its leaf hash (the entry was changed)");
                }
                LogEntry.Validate(entry);
                var proof = MerkleProof.FromBase64(pv.EnumerateArray().Select(p => p.ValueKind == JsonValueKind.String ? p.GetString()! : ""));
                MerkleProof.VerifyInclusion(index, checkpoint.Size, leaf, proof, checkpoint.Root);
                var parsed = LogEntry.Parse(entry);
                if (parsed.Type == SealedActs.ActType)
                {
                    sealedIncluded.Add(index);
                }
                else if (parsed.Tender != manifest.Tender.Id)
                {
                    throw Bad(index, $"the entry is not one of tender {manifest.Tender.Id}");
                }
                sealedChecker.Observe(index, entry);
            }
            catch (PublicLogException e)
            {
                throw Bad(index, e.Message);
            }
            entries[index] = entry;
        }
        if (lines != manifest.EntryCount)
        {
            throw Fail(file, "archive.entry-count", ("count", lines), ("expected", manifest.EntryCount));
        }
        // A sealed entry belongs to the tender only through a reveal of the tender that opens it.
        if (sealedChecker.Opened != sealedIncluded.Count)
        {
            throw Fail(file, "archive.sealed-unopened", ("count", sealedIncluded.Count - sealedChecker.Opened));
        }
        return (entries, (int)sealedChecker.Opened);
    }

    /// <summary>Reads 512-byte blocks and member contents from the package stream.</summary>
    private sealed class BlockReader(Stream s)
    {
        private readonly byte[] _buffer = new byte[81920];

        public async Task<byte[]?> ReadBlockAsync(CancellationToken ct)
        {
            var block = new byte[ArchiveTar.Block];
            int got = await s.ReadAtLeastAsync(block, block.Length, throwOnEndOfStream: false, ct);
            return got == 0 ? null : got < block.Length ? throw Fail("(end)", "archive.truncated") : block;
        }

        public async Task<(byte[] Sha, byte[]? Content)> ReadContentAsync(string path, long length, bool keep, CancellationToken ct)
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var content = keep ? new byte[length] : null;
            long done = 0;
            while (done < length)
            {
                int want = (int)Math.Min(_buffer.Length, length - done);
                int got = await s.ReadAtLeastAsync(_buffer.AsMemory(0, want), want, throwOnEndOfStream: false, ct);
                if (got < want)
                {
                    throw Fail(path, "archive.truncated");
                }
                sha.AppendData(_buffer, 0, got);
                if (content is not null)
                {
                    _buffer.AsSpan(0, got).CopyTo(content.AsSpan((int)done));
                }
                done += got;
            }
            int pad = ArchiveTar.Padding(length);
            if (pad > 0)
            {
                var padding = new byte[pad];
                if (await s.ReadAtLeastAsync(padding, pad, throwOnEndOfStream: false, ct) < pad)
                {
                    throw Fail(path, "archive.truncated");
                }
                if (padding.AsSpan().IndexOfAnyExcept((byte)0) >= 0)
                {
                    throw Fail(path, "archive.padding-altered");
                }
            }
            return (sha.GetHashAndReset(), content);
        }

        /// <summary>Two zero blocks and nothing after them: anything else is blamed on the last member.</summary>
        public async Task RequireEndAsync(string last, CancellationToken ct)
        {
            for (int i = 0; i < 2; i++)
            {
                var block = await ReadBlockAsync(ct);
                if (block is null || block.AsSpan().IndexOfAnyExcept((byte)0) >= 0)
                {
                    throw Fail(block is null ? last : "(end)", block is null ? "archive.truncated" : "archive.extra-member");
                }
            }
            if (await s.ReadAsync(_buffer.AsMemory(0, 1), ct) != 0)
            {
                throw Fail("(end)", "archive.trailing-data");
            }
        }
    }
}
