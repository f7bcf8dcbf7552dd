using System.Globalization;
using System.Text;

namespace Trading.PublicLog.Archive;

/// <summary>
/// The one tar layout an archive package uses (docs/archive-format.md "Container"): POSIX ustar, regular files only,
/// ASCII names of at most 100 bytes, fixed mode/owner fields and one modification time for every member, contents
/// padded with zeros to 512 bytes, two zero blocks at the end and nothing after. Because every header is fully
/// determined by (name, size, time), the verifier rebuilds each header and compares it byte for byte, so no byte of
/// the container is left unchecked: a header byte, a padding byte or a content byte changed anywhere is found and
/// blamed on the member it belongs to.
/// </summary>
public static class ArchiveTar
{
    /// <summary>Block size of tar.</summary>
    public const int Block = 512;

    /// <summary>Largest member size the 11 octal digits of the size field hold (8 GiB - 1).</summary>
    public const long MaxSize = 0x1_FFFF_FFFFL;

    /// <summary>Whether a member name is allowed: 1-100 bytes of [a-z0-9._-] and '/' between non-empty parts.</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 100 && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-' or '/')
        && !name.StartsWith('/') && !name.EndsWith('/') && !name.Contains("//", StringComparison.Ordinal)
        && name.Split('/').All(p => p is not ("." or ".."));

    /// <summary>The header of a member: every field fixed by its name, size and the archive's time.</summary>
    public static byte[] Header(string name, long size, DateTimeOffset time)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException($"'{name}' is not an allowed archive member name.", nameof(name));
        }
        if (size is < 0 or > MaxSize)
        {
            throw new ArgumentOutOfRangeException(nameof(size));
        }
        var h = new byte[Block];
        Encoding.ASCII.GetBytes(name).CopyTo(h, 0);
        Octal(h, 100, 8, 0b110_100_100); // mode 0644
        Octal(h, 108, 8, 0); // uid
        Octal(h, 116, 8, 0); // gid
        Octal(h, 124, 12, size);
        Octal(h, 136, 12, Math.Max(0, time.ToUnixTimeSeconds()));
        h[156] = (byte)'0'; // regular file
        "ustar\0"u8.CopyTo(h.AsSpan(257));
        "00"u8.CopyTo(h.AsSpan(263));
        Octal(h, 329, 8, 0); // devmajor
        Octal(h, 337, 8, 0); // devminor
        // Checksum: the sum of all header bytes with the checksum field read as eight spaces; six octal digits, NUL, space.
        "        "u8.CopyTo(h.AsSpan(148));
        long sum = 0;
        foreach (var b in h)
        {
            sum += b;
        }
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0')).CopyTo(h, 148);
        h[154] = 0;
        h[155] = (byte)' ';
        return h;
    }

    private static void Octal(byte[] h, int offset, int length, long value) =>
        Encoding.ASCII.GetBytes(Convert.ToString(value, 8).PadLeft(length - 1, '0')).CopyTo(h, offset);

    /// <summary>The name and size a header claims, read leniently (the verifier then compares the whole header).</summary>
    public static (string Name, long Size)? Peek(ReadOnlySpan<byte> header)
    {
        if (header.Length != Block || header.IndexOfAnyExcept((byte)0) < 0)
        {
            return null;
        }
        var nameBytes = header[..100];
        int nul = nameBytes.IndexOf((byte)0);
        var name = Encoding.ASCII.GetString(nul < 0 ? nameBytes : nameBytes[..nul]);
        var sizeText = Encoding.ASCII.GetString(header.Slice(124, 11));
        long size = sizeText.All(c => c is >= '0' and <= '7') ? Convert.ToInt64(sizeText, 8) : -1;
        return (name, size);
    }

    /// <summary>Zero bytes that pad a member of <paramref name="size"/> bytes to a whole block.</summary>
    public static int Padding(long size) => (int)((Block - size % Block) % Block);

    /// <summary>Writes one member: header, content (exactly <paramref name="size"/> bytes), padding.</summary>
    public static async Task WriteMemberAsync(Stream output, string name, long size, DateTimeOffset time, Stream content, CancellationToken ct)
    {
        await output.WriteAsync(Header(name, size, time), ct);
        var buffer = new byte[81920];
        long left = size;
        while (left > 0)
        {
            int read = await content.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), ct);
            if (read == 0)
            {
                throw new IOException(string.Create(CultureInfo.InvariantCulture, $"{name} ended {left} bytes before its stated length {size}."));
            }
            await output.WriteAsync(buffer.AsMemory(0, read), ct);
            left -= read;
        }
        if (await content.ReadAsync(buffer.AsMemory(0, 1), ct) != 0)
        {
            throw new IOException($"{name} is longer than its stated length {size}: it changed while the archive was written.");
        }
        await output.WriteAsync(new byte[Padding(size)], ct);
    }

    /// <summary>The end of the archive: two zero blocks.</summary>
    public static ValueTask WriteEndAsync(Stream output, CancellationToken ct) => output.WriteAsync(new byte[2 * Block], ct);
}
