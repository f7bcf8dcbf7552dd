using System.Security.Cryptography;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Integrity;
using Trading.Integrity;
using Trading.Integrity.Import;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Integrity;

/// <summary>Where the centre's past results live: the configured folder, else <c>history</c> in the data folder.</summary>
public sealed record HistoryFolder(string Path)
{
    public static HistoryFolder From(IntegrityOptions o, DataFolder data) =>
        new(o.HistoryImportFolder is { Length: > 0 } f ? System.IO.Path.GetFullPath(f) : System.IO.Path.Combine(data.Path, "history"));
}

/// <summary>One imported file as the page lists it.</summary>
public sealed record HistoryFile(string Sha256, string Kind, long Bytes, DateTime AddedAt, int Lots, int Bids, int WithReference, int WithWinner, IReadOnlyList<HistorySkip> Skipped);

/// <summary>
/// The supervision office imports the centre's past results (the same files <c>trading import-history</c> reads), so
/// the price and history screens have a baseline from the first day. A file is read in full before it is kept: one
/// that is not a history is refused with the reason, and nothing is kept. Files are named by their SHA-256 (never by the
/// uploaded name), and each import and removal is logged with that hash, so what the screens read is on the record.
/// </summary>
public sealed class HistoryImports(HistoryFolder folder, Microsoft.Extensions.Options.IOptions<IntegrityOptions> options, PublicLogWriter log, TimeProvider clock)
{
    private static readonly string[] Kinds = [".csv", ".json"];

    public static bool MayImport(Actor actor) => actor.IsIn(Roles.Supervisor);

    public IReadOnlyList<HistoryFile> List(Actor actor)
    {
        if (!MayImport(actor)) throw new ForbiddenException(IntegrityRules.HistorySupervisorOnly);
        if (!Directory.Exists(folder.Path)) return [];
        var files = new List<HistoryFile>();
        foreach (var path in Directory.EnumerateFiles(folder.Path).Where(p => Kinds.Contains(Path.GetExtension(p), StringComparer.OrdinalIgnoreCase)))
        {
            // A file put in the folder by hand that is not a history is listed as read with nothing in it: the screens skip it too.
            var read = TryRead(path);
            var info = new FileInfo(path);
            files.Add(Summary(Path.GetFileNameWithoutExtension(path), Path.GetExtension(path).ToLowerInvariant(), info.Length, info.LastWriteTimeUtc, read));
        }
        return files.OrderByDescending(f => f.AddedAt).ToList();
    }

    public async Task<HistoryFile> ImportAsync(Actor actor, string? fileName, Stream content, long length, CancellationToken ct)
    {
        if (!MayImport(actor)) throw new ForbiddenException(IntegrityRules.HistorySupervisorOnly);
        var kind = Path.GetExtension(fileName ?? "").ToLowerInvariant();
        if (length <= 0 || !Kinds.Contains(kind)) throw Refuse(IntegrityRules.HistoryFileType);
        var max = options.Value.MaxHistoryFileBytes;
        if (length > max) throw Refuse(IntegrityRules.HistoryTooLarge, max / (1024 * 1024));
        Directory.CreateDirectory(folder.Path);
        // Written under a name the screens do not read until the import is on the record.
        var partial = Path.Combine(folder.Path, Guid.NewGuid().ToString("N") + ".partial");
        try
        {
            string sha;
            await using (var file = File.Create(partial))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[81920];
                long total = 0;
                int n;
                while ((n = await content.ReadAsync(buffer, ct)) > 0)
                {
                    total += n;
                    if (total > max) throw Refuse(IntegrityRules.HistoryTooLarge, max / (1024 * 1024));
                    hash.AppendData(buffer, 0, n);
                    await file.WriteAsync(buffer.AsMemory(0, n), ct);
                }
                sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            }
            var target = Path.Combine(folder.Path, sha + kind);
            if (File.Exists(target)) throw Refuse(IntegrityRules.HistoryDuplicate);
            HistoryImport read;
            try
            {
                read = Read(partial, kind);
            }
            catch (IntegrityInputException e)
            {
                throw Refuse(IntegrityRules.HistoryNotReadable, "Integrity.History.Why." + e.Rule);
            }
            if (read.History.Lots.Count == 0) throw Refuse(IntegrityRules.HistoryEmpty, read.Skipped.Count);
            var summary = Summary(sha, kind, new FileInfo(partial).Length, clock.GetUtcNow().UtcDateTime, read);
            await log.RecordAsync("integrity.history.imported", null, new
            {
                file = sha, kind = kind.TrimStart('.'), bytes = summary.Bytes, lots = summary.Lots, bids = summary.Bids, skipped = summary.Skipped.Count,
                by = log.Pseudonym("user", actor.UserId.ToString()),
            }, ct);
            File.Move(partial, target);
            return summary;
        }
        finally
        {
            if (File.Exists(partial)) File.Delete(partial);
        }
    }

    public async Task RemoveAsync(Actor actor, string sha256, CancellationToken ct)
    {
        if (!MayImport(actor)) throw new ForbiddenException(IntegrityRules.HistorySupervisorOnly);
        // Only a name this page gave (64 hex digits) is looked up, so the parameter cannot point outside the folder.
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower)) throw new NotFoundException();
        var path = Kinds.Select(k => Path.Combine(folder.Path, sha256 + k)).FirstOrDefault(File.Exists) ?? throw new NotFoundException();
        await log.RecordAsync("integrity.history.removed", null, new { file = sha256, by = log.Pseudonym("user", actor.UserId.ToString()) }, ct);
        File.Delete(path);
    }

    private static HistoryImport Read(string path, string kind)
    {
        using var s = File.OpenRead(path);
        return kind == ".json" ? HistoryImporter.ReadOcds(s) : HistoryImporter.ReadCsv(s);
    }

    private static HistoryImport? TryRead(string path)
    {
        try
        {
            return Read(path, Path.GetExtension(path).ToLowerInvariant());
        }
        catch (Exception e) when (e is IntegrityInputException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static HistoryFile Summary(string sha, string kind, long bytes, DateTime at, HistoryImport? read) => new(
        sha, kind.TrimStart('.'), bytes, at, read?.History.Lots.Count ?? 0, read?.Bids ?? 0,
        read?.History.Lots.Count(l => l.Reference is not null) ?? 0, read?.History.Lots.Count(l => l.WinnerFirmId is not null) ?? 0, read?.Skipped ?? []);

    private static RuleViolationException Refuse(string code, params object[] args) => new(new RuleViolation(code, args));
}
