using System.Text;

namespace Trading.Crypto;

/// <summary>
/// Writes key material so that no other local user can ever read it: the file is created owner-only
/// (mode 0600) from the first byte, rather than written and then restricted, which leaves a window in
/// which it is readable under the usual umask. It is written beside its final name and renamed into place,
/// so a crash never leaves half a key that a later start would load.
/// </summary>
public static class SecretFile
{
    /// <summary>Writes <paramref name="content"/> as UTF-8, replacing any file at <paramref name="path"/>.</summary>
    public static void WriteAllText(string path, string content) => WriteAllBytes(path, Encoding.UTF8.GetBytes(content));

    /// <summary>Writes <paramref name="content"/>, replacing any file at <paramref name="path"/>; the folder must exist.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content)
    {
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
