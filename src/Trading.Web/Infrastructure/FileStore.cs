using System.Security.Cryptography;

namespace Trading.Web.Infrastructure;

/// <summary>Where uploaded files live. Local folder by default; an S3-compatible store can implement the same.</summary>
public interface IFileStore
{
    /// <summary>
    /// Streams content to storage and returns its key, length and SHA-256. Content lands under its final
    /// key only when complete (write to a temp file, then rename), so a crash leaves no half-written file.
    /// Throws <see cref="FileTooLargeException"/> past maxBytes, deleting what was written.
    /// </summary>
    Task<StoredFile> SaveAsync(Stream content, long maxBytes, CancellationToken ct);
    /// <summary>
    /// Takes over a complete local file whose length and SHA-256 the caller has just checked (a bid upload), so
    /// a large file is not read and written a second time. The file is moved, never left half in place.
    /// </summary>
    Task<StoredFile> AdoptAsync(string path, long length, string sha256, CancellationToken ct);
    /// <summary>
    /// A new, empty file in the store's own temp folder, opened for reading and writing, for content that is produced
    /// rather than copied (a decrypted bid package): the caller writes it once and then keeps it with
    /// <see cref="KeepTemp"/> (a rename, no second pass over the bytes) or deletes it.
    /// </summary>
    FileStream CreateTemp();
    /// <summary>Flushes a file made by <see cref="CreateTemp"/> to disk, closes it and moves it under a new key, which it returns.</summary>
    string KeepTemp(FileStream file);
    Stream OpenRead(string key);
    void Delete(string key);
}

public sealed record StoredFile(string Key, long Length, string Sha256);

public sealed class FileTooLargeException(long max) : Exception($"File exceeds {max} bytes")
{
    public long Max { get; } = max;
}

public sealed class LocalFileStore : IFileStore
{
    private readonly string _root;

    public LocalFileStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(Path.Combine(_root, "tmp"));
        // Temp files from a crashed upload are never completed; clear them at start.
        foreach (var f in Directory.EnumerateFiles(Path.Combine(_root, "tmp")))
        {
            try { File.Delete(f); } catch (IOException) { /* in use by another process of the same store */ }
        }
    }

    public async Task<StoredFile> SaveAsync(Stream content, long maxBytes, CancellationToken ct)
    {
        var key = $"{DateTime.UtcNow:yyyy/MM}/{Guid.NewGuid():N}";
        var tmp = Path.Combine(_root, "tmp", Guid.NewGuid().ToString("N"));
        long total = 0;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            await using (var output = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    total += read;
                    if (total > maxBytes) throw new FileTooLargeException(maxBytes);
                    sha.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                await output.FlushAsync(ct);
                output.Flush(flushToDisk: true);
            }
            var final = PathOf(key);
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            File.Move(tmp, final);
            return new StoredFile(key, total, Convert.ToHexStringLower(sha.GetHashAndReset()));
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }
    }

    public Task<StoredFile> AdoptAsync(string path, long length, string sha256, CancellationToken ct)
    {
        var key = $"{DateTime.UtcNow:yyyy/MM}/{Guid.NewGuid():N}";
        var final = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        // A rename on the same file system; across file systems File.Move copies and then deletes the source.
        File.Move(path, final);
        return Task.FromResult(new StoredFile(key, length, sha256));
    }

    public FileStream CreateTemp() =>
        // No FileStream buffer: the writers hand over 1 MiB chunks, which a buffer would only copy once more.
        new(Path.Combine(_root, "tmp", Guid.NewGuid().ToString("N")), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 0);

    public string KeepTemp(FileStream file)
    {
        var key = $"{DateTime.UtcNow:yyyy/MM}/{Guid.NewGuid():N}";
        var tmp = file.Name;
        try
        {
            file.Flush(flushToDisk: true);
            Trading.Crypto.PageCache.Drop(file.SafeFileHandle);
            file.Dispose();
            var final = PathOf(key);
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            File.Move(tmp, final);
            return key;
        }
        catch
        {
            file.Dispose();
            File.Delete(tmp);
            throw;
        }
    }

    public Stream OpenRead(string key) => new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous);

    public void Delete(string key) => File.Delete(PathOf(key));

    private string PathOf(string key)
    {
        // Keys are ours (date folders and a GUID), but refuse anything that could leave the root.
        var full = Path.GetFullPath(Path.Combine(_root, key));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || key.Contains(".."))
            throw new ArgumentException("Invalid storage key", nameof(key));
        return full;
    }
}
