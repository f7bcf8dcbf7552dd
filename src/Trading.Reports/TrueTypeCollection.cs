using System.Buffers.Binary;

namespace Trading.Reports;

/// <summary>
/// Turns one face of a TrueType collection (.ttc) into a standalone .ttf in memory.
/// </summary>
/// <remarks>
/// Why this exists: PDFsharp reads neither .ttc collections nor CFF outlines, and no npm package offers a
/// free TrueType-outline font with Simplified Chinese glyphs (the @fontsource packages are woff/woff2, the
/// Noto/Source Han packages are CFF, and the one package with a Chinese .ttf embeds a commercial face). The
/// Debian package fonts-wqy-microhei, which .ci/run installs, is TrueType-outline but ships as a .ttc. A
/// collection is a header listing per-face table directories whose tables may be shared between faces, with
/// offsets counted from the start of the collection file; a standalone font needs its own directory with the
/// tables copied after it and the offsets rewritten. Nothing is written to disk.
/// </remarks>
public static class TrueTypeCollection
{
    private const uint TtcTag = 0x74746366;      // 'ttcf'
    private const uint TrueTypeVersion = 0x00010000;
    private const uint CffTag = 0x43464620;      // 'CFF '
    private const uint GlyfTag = 0x676C7966;     // 'glyf'
    private const uint HeadTag = 0x68656164;     // 'head'

    /// <summary>True when <paramref name="data"/> starts with a TrueType collection header.</summary>
    public static bool IsCollection(ReadOnlySpan<byte> data) => data.Length >= 12 && BinaryPrimitives.ReadUInt32BigEndian(data) == TtcTag;

    /// <summary>Number of faces in a collection.</summary>
    public static int FaceCount(ReadOnlySpan<byte> data)
    {
        if (!IsCollection(data))
            throw new InvalidDataException("Not a TrueType collection (no 'ttcf' header).");
        return checked((int)BinaryPrimitives.ReadUInt32BigEndian(data[8..]));
    }

    /// <summary>Extracts face <paramref name="index"/> as a standalone TrueType font.</summary>
    /// <exception cref="InvalidDataException">The file is damaged, or the face has CFF rather than TrueType outlines.</exception>
    public static byte[] ExtractFace(ReadOnlySpan<byte> data, int index)
    {
        var count = FaceCount(data);
        if (index < 0 || index >= count)
            throw new ArgumentOutOfRangeException(nameof(index), $"The collection has {count} faces.");
        var faceOffset = checked((int)BinaryPrimitives.ReadUInt32BigEndian(data[(12 + 4 * index)..]));
        return Rebuild(data, faceOffset);
    }

    /// <summary>Checks that a standalone font file has TrueType (glyf) outlines, which PDFsharp needs.</summary>
    /// <exception cref="InvalidDataException">Not an sfnt file, or CFF outlines.</exception>
    public static void EnsureTrueTypeOutlines(ReadOnlySpan<byte> font)
    {
        var tags = ReadDirectory(font, 0).Select(t => t.Tag).ToHashSet();
        if (tags.Contains(CffTag) || !tags.Contains(GlyfTag))
            throw new InvalidDataException("The font has CFF (OpenType/PostScript) outlines or no 'glyf' table; PDFsharp needs TrueType outlines.");
    }

    private static byte[] Rebuild(ReadOnlySpan<byte> data, int faceOffset)
    {
        var tables = ReadDirectory(data, faceOffset);
        if (tables.Any(t => t.Tag == CffTag) || tables.All(t => t.Tag != GlyfTag))
            throw new InvalidDataException("The collection face has CFF outlines or no 'glyf' table; PDFsharp needs TrueType outlines.");

        var headerLength = 12 + 16 * tables.Count;
        var total = (long)headerLength;
        foreach (var t in tables)
            total += Pad4(t.Length);
        var font = new byte[checked((int)total)];
        var span = font.AsSpan();

        var n = (ushort)tables.Count;
        var entrySelector = (ushort)Math.Floor(Math.Log2(n));
        var searchRange = (ushort)((1 << entrySelector) * 16);
        BinaryPrimitives.WriteUInt32BigEndian(span, TrueTypeVersion);
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], n);
        BinaryPrimitives.WriteUInt16BigEndian(span[6..], searchRange);
        BinaryPrimitives.WriteUInt16BigEndian(span[8..], entrySelector);
        BinaryPrimitives.WriteUInt16BigEndian(span[10..], (ushort)(n * 16 - searchRange));

        var offset = headerLength;
        var headOffset = -1;
        for (var i = 0; i < tables.Count; i++)
        {
            var t = tables[i];
            var entry = span[(12 + 16 * i)..];
            BinaryPrimitives.WriteUInt32BigEndian(entry, t.Tag);
            BinaryPrimitives.WriteUInt32BigEndian(entry[4..], t.Checksum);
            BinaryPrimitives.WriteUInt32BigEndian(entry[8..], (uint)offset);
            BinaryPrimitives.WriteUInt32BigEndian(entry[12..], (uint)t.Length);
            data.Slice(t.Offset, t.Length).CopyTo(span[offset..]);
            if (t.Tag == HeadTag)
                headOffset = offset;
            offset += Pad4(t.Length);
        }

        // The whole-file checksum lives in head.checkSumAdjustment and changed with the new layout.
        if (headOffset >= 0 && tables.First(t => t.Tag == HeadTag).Length >= 12)
        {
            BinaryPrimitives.WriteUInt32BigEndian(span[(headOffset + 8)..], 0);
            uint sum = 0;
            for (var i = 0; i + 4 <= font.Length; i += 4)
                sum = unchecked(sum + BinaryPrimitives.ReadUInt32BigEndian(span[i..]));
            BinaryPrimitives.WriteUInt32BigEndian(span[(headOffset + 8)..], unchecked(0xB1B0AFBA - sum));
        }
        return font;
    }

    private static List<(uint Tag, uint Checksum, int Offset, int Length)> ReadDirectory(ReadOnlySpan<byte> data, int at)
    {
        if (at < 0 || at + 12 > data.Length)
            throw new InvalidDataException("Font table directory lies outside the file.");
        var version = BinaryPrimitives.ReadUInt32BigEndian(data[at..]);
        if (version is not (TrueTypeVersion or 0x4F54544F or 0x74727565))   // 1.0, 'OTTO', 'true'
            throw new InvalidDataException($"Not an sfnt font (version 0x{version:X8}).");
        int n = BinaryPrimitives.ReadUInt16BigEndian(data[(at + 4)..]);
        if (at + 12 + 16 * n > data.Length)
            throw new InvalidDataException("Font table directory is truncated.");
        var tables = new List<(uint, uint, int, int)>(n);
        for (var i = 0; i < n; i++)
        {
            var e = data[(at + 12 + 16 * i)..];
            var offset = BinaryPrimitives.ReadUInt32BigEndian(e[8..]);
            var length = BinaryPrimitives.ReadUInt32BigEndian(e[12..]);
            if (offset + (ulong)length > (ulong)data.Length)
                throw new InvalidDataException("A font table lies outside the file.");
            tables.Add((BinaryPrimitives.ReadUInt32BigEndian(e), BinaryPrimitives.ReadUInt32BigEndian(e[4..]), (int)offset, (int)length));
        }
        return tables;
    }

    private static int Pad4(int length) => checked((length + 3) & ~3);
}
