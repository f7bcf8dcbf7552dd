using System.Buffers.Binary;

namespace Trading.Reports.Tests;

public class FontTests
{
    [Fact]
    public void Face_extracted_from_the_collection_is_a_consistent_truetype_font()
    {
        var path = ReportFonts.Candidates().First(c => c.EndsWith("wqy-microhei.ttc", StringComparison.Ordinal));
        var ttc = File.ReadAllBytes(path);

        var font = TrueTypeCollection.ExtractFace(ttc, 0);

        Assert.Equal(0x00010000u, BinaryPrimitives.ReadUInt32BigEndian(font));
        TrueTypeCollection.EnsureTrueTypeOutlines(font);
        // Every table's offset points inside the new file, and the whole-file checksum comes out as the spec's constant.
        int tables = BinaryPrimitives.ReadUInt16BigEndian(font.AsSpan(4));
        for (var i = 0; i < tables; i++)
        {
            var entry = font.AsSpan(12 + 16 * i);
            Assert.True(BinaryPrimitives.ReadUInt32BigEndian(entry[8..]) + BinaryPrimitives.ReadUInt32BigEndian(entry[12..]) <= (uint)font.Length);
        }
        uint sum = 0;
        for (var i = 0; i < font.Length; i += 4)
            sum = unchecked(sum + BinaryPrimitives.ReadUInt32BigEndian(font.AsSpan(i)));
        Assert.Equal(0xB1B0AFBAu, sum);
        Assert.Equal(2, TrueTypeCollection.FaceCount(ttc));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrueTypeCollection.ExtractFace(ttc, 2));
    }

    [Fact]
    public void Cff_fonts_and_garbage_are_refused()
    {
        var otf = new byte[12 + 16];
        BinaryPrimitives.WriteUInt32BigEndian(otf, 0x4F54544F);   // 'OTTO'
        BinaryPrimitives.WriteUInt16BigEndian(otf.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt32BigEndian(otf.AsSpan(12), 0x43464620);   // 'CFF '

        var e = Assert.Throws<InvalidDataException>(() => TrueTypeCollection.EnsureTrueTypeOutlines(otf));
        Assert.Contains("TrueType", e.Message);
        Assert.Throws<InvalidDataException>(() => TrueTypeCollection.EnsureTrueTypeOutlines("not a font at all"u8));
        Assert.Throws<InvalidDataException>(() => TrueTypeCollection.FaceCount("not a font at all"u8));
    }

    [Fact]
    public void Missing_or_unusable_fonts_give_an_error_naming_the_fix()
    {
        var cff = Path.Combine(Path.GetTempPath(), $"reports-cff-{Guid.NewGuid():N}.otf");
        var otf = new byte[12 + 16];
        BinaryPrimitives.WriteUInt32BigEndian(otf, 0x4F54544F);
        BinaryPrimitives.WriteUInt16BigEndian(otf.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt32BigEndian(otf.AsSpan(12), 0x43464620);
        File.WriteAllBytes(cff, otf);
        try
        {
            var e = Assert.Throws<InvalidOperationException>(() => ReportFonts.Load(["/nonexistent/a.ttf", cff], out _));

            Assert.Contains("apt-get install fonts-wqy-microhei", e.Message);
            Assert.Contains(ReportFonts.EnvironmentVariable, e.Message);
            Assert.Contains("/nonexistent/a.ttf (absent)", e.Message);
            Assert.Contains("CFF", e.Message);
        }
        finally
        {
            File.Delete(cff);
        }
    }

    [Fact]
    public void Second_face_of_a_collection_is_chosen_with_a_suffix()
    {
        var path = ReportFonts.Candidates().First(c => c.EndsWith("wqy-microhei.ttc", StringComparison.Ordinal));

        var first = ReportFonts.Load([path], out _);
        var second = ReportFonts.Load([path + "#1"], out var from);

        Assert.Equal(path + "#1", from);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Font_is_found_and_reported()
    {
        new Report(new ReportOptions { Culture = "en" }).Paragraph("x").Render();

        Assert.NotNull(ReportFonts.LoadedFrom);
        Assert.Throws<InvalidOperationException>(() => ReportFonts.FontPath = "/nonexistent/other.ttf");
    }
}
