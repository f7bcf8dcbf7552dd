using Trading.Data;
using Trading.Domain;

namespace Trading.Web.Infrastructure;

/// <summary>Checks an upload by size and by content (not by extension) and stores it, or refuses with the rule.</summary>
public sealed class Uploads(IFileStore store, TradingDbContext db)
{
    public async Task<(StoredFile File, string ContentType)> AcceptAsync(IFormFile file, IReadOnlySet<SniffedType> allowed, long maxBytes, CancellationToken ct)
    {
        if (file.Length == 0)
            throw new RuleViolationException(new RuleViolation(RuleCodes.FileEmpty, file.FileName));
        if (file.Length > maxBytes)
            throw new RuleViolationException(new RuleViolation(RuleCodes.FileTooLarge, file.FileName, maxBytes / (1024 * 1024)));
        var claimed = FileSniffer.Claimed(file.FileName);
        if (!allowed.Contains(claimed))
            throw new RuleViolationException(new RuleViolation(RuleCodes.FileTypeNotAllowed, file.FileName, string.Join(", ", allowed.Select(a => a.ToString().ToUpperInvariant()))));

        await using var input = file.OpenReadStream();
        var head = new byte[8];
        var n = await input.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        var actual = FileSniffer.Sniff(head.AsSpan(0, n));
        if (actual != claimed)
            throw new RuleViolationException(new RuleViolation(RuleCodes.FileContentMismatch, file.FileName, claimed.ToString().ToUpperInvariant()));
        input.Position = 0;
        try
        {
            var stored = await store.SaveAsync(input, maxBytes, ct);
            return (stored, FileSniffer.ContentType(actual, file.FileName));
        }
        catch (FileTooLargeException)
        {
            throw new RuleViolationException(new RuleViolation(RuleCodes.FileTooLarge, file.FileName, maxBytes / (1024 * 1024)));
        }
    }

    /// <summary>
    /// Accepts and stores the file, then runs <paramref name="record"/> (which saves what refers to it).
    /// If recording fails, the stored file is removed and the unsaved changes dropped: a refused or failed
    /// step leaves neither a record without its file nor a file without its record.
    /// </summary>
    public async Task<T> StoreAsync<T>(IFormFile file, IReadOnlySet<SniffedType> allowed, long maxBytes,
        Func<StoredFile, string, Task<T>> record, CancellationToken ct)
    {
        var (stored, contentType) = await AcceptAsync(file, allowed, maxBytes, ct);
        try
        {
            return await record(stored, contentType);
        }
        catch
        {
            db.ChangeTracker.Clear();
            Discard(stored.Key);
            throw;
        }
    }

    public Stream Open(string key) => store.OpenRead(key);

    /// <summary>Removes a stored file whose database record was never committed.</summary>
    public void Discard(string key)
    {
        try { store.Delete(key); } catch (IOException) { /* an orphan file is harmless; the record is what counts */ }
    }

    public static string SafeFileName(string name)
    {
        var n = Path.GetFileName(name.Replace('\\', '/'));
        foreach (var c in Path.GetInvalidFileNameChars()) n = n.Replace(c, '_');
        return n.Length > 200 ? n[^200..] : n;
    }
}
