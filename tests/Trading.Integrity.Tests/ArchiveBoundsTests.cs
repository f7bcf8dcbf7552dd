using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Trading.Integrity.Documents;
using Trading.Integrity.Model;

namespace Trading.Integrity.Tests;

/// <summary>
/// A bid is written by a party who may want the screens switched off: every archive read is bounded by the bytes
/// actually inflated, and what is left out is a note on that file, never a failure of the lot.
/// </summary>
public class ArchiveBoundsTests
{
    private static readonly ArchiveLimits Small = new(MaxEntryBytes: 8L * 1024 * 1024, MaxTotalBytes: 16L * 1024 * 1024, MaxEntries: 500, MaxRatio: 200);

    /// <summary>A DOCX whose body is <paramref name="bodyBytes"/> of one letter: about 1,000 times smaller compressed.</summary>
    private static byte[] BombDocx(long bodyBytes)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var s = zip.CreateEntry("word/document.xml", CompressionLevel.SmallestSize).Open();
            s.Write("<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>"u8);
            var chunk = new byte[1 << 20];
            chunk.AsSpan().Fill((byte)'a');
            for (long done = 0; done < bodyBytes; done += chunk.Length) s.Write(chunk);
            s.Write("</w:t></w:r></w:p></w:body></w:document>"u8);
        }
        return ms.ToArray();
    }

    private static byte[] Zip(params (string Name, byte[] Bytes)[] entries)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                using var s = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
                s.Write(bytes);
            }
        }
        return ms.ToArray();
    }

    [Fact]
    public void A_decompression_bomb_DOCX_is_skipped_with_its_reason_after_reading_a_bounded_amount()
    {
        var bomb = BombDocx(256L * 1024 * 1024);
        Assert.True(bomb.Length < 1024 * 1024, $"the bomb is {bomb.Length} bytes compressed");
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var content = AttachmentReader.Read(new BidAttachment("说明.docx", bomb), Small);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal("note.attachment.limit.entrytoolarge", content.Note?.Key);
        Assert.Empty(content.Pages);
        Assert.Equal(64, content.Sha256.Length); // its hash is still compared
        // Inflated, the text would take 512 MiB as a .NET string: it is never built.
        Assert.True(allocated < 16L * 1024 * 1024, $"{allocated:N0} bytes allocated reading the bomb");
    }

    [Fact]
    public void A_small_bomb_under_the_size_limit_is_caught_by_its_compression_ratio()
    {
        var bomb = BombDocx(6L * 1024 * 1024);
        var content = AttachmentReader.Read(new BidAttachment("b.docx", bomb), Small);
        Assert.Equal("note.attachment.limit.compressionratio", content.Note?.Key);
        Assert.Empty(content.Pages);
    }

    [Fact]
    public void An_honest_DOCX_is_read_under_the_same_limits()
    {
        var docx = Zip(("word/document.xml", Encoding.UTF8.GetBytes(
            "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>施工组织设计 第一章</w:t></w:r></w:p></w:body></w:document>")));
        var content = AttachmentReader.Read(new BidAttachment("a.docx", docx), Small);
        Assert.Null(content.Note);
        Assert.Contains("施工组织设计", content.Pages.Single().Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_zip_within_a_zip_within_a_zip_is_hashed_but_never_opened()
    {
        var inner = Zip(("deepest.zip", Zip(("bomb.docx", BombDocx(64L * 1024 * 1024)))));
        var package = Zip(("bid-form.json", "{}"u8.ToArray()), ("nested.zip", inner), ("note.txt", "报价说明"u8.ToArray()));

        var (entries, skipped) = BoundedArchive.ReadAll(new MemoryStream(package), Small, name => name != "bid-form.json");
        Assert.Empty(skipped);
        Assert.Equal(["nested.zip", "note.txt"], entries.Select(e => e.Name));
        var nested = AttachmentReader.Read(new BidAttachment("nested.zip", entries[0].Content), Small);
        Assert.Equal("note.attachment.archive", nested.Note?.Key);
        Assert.Equal(64, nested.Sha256.Length);
    }

    [Fact]
    public void A_package_of_100000_tiny_entries_is_read_up_to_the_entry_limit_with_one_note()
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (var i = 0; i < 100_000; i++)
            {
                using var s = zip.CreateEntry($"f/{i}.txt", CompressionLevel.NoCompression).Open();
                s.WriteByte((byte)'x');
            }
        }
        ms.Position = 0;
        var (entries, skipped) = BoundedArchive.ReadAll(ms, Small);
        Assert.Equal(Small.MaxEntries, entries.Count);
        var note = Assert.Single(skipped);
        Assert.Equal(ArchiveSkip.TooManyEntries, note.Reason);
        Assert.Equal(100_000, note.Bytes);
    }

    [Fact]
    public void An_entry_larger_than_the_limit_and_the_bid_total_are_skipped_by_size()
    {
        var big = new byte[9 * 1024 * 1024];
        Random.Shared.NextBytes(big); // incompressible: the ratio rule does not apply
        var six = new byte[6 * 1024 * 1024];
        Random.Shared.NextBytes(six);
        var package = Zip(("big.bin", big), ("a.bin", six), ("b.bin", six), ("c.bin", six), ("small.txt", "ok"u8.ToArray()));

        var (entries, skipped) = BoundedArchive.ReadAll(new MemoryStream(package), Small);
        Assert.Equal(["a.bin", "b.bin", "small.txt"], entries.Select(e => e.Name));
        Assert.Equal([("big.bin", ArchiveSkip.EntryTooLarge), ("c.bin", ArchiveSkip.TotalTooLarge)], skipped.Select(s => (s.Name, s.Reason)));
    }

    [Fact]
    public void An_entry_whose_directory_understates_its_size_is_never_inflated_past_what_it_states()
    {
        var zeros = new byte[40 * 1024 * 1024];
        var package = Zip(("liar.bin", zeros), ("ok.txt", "fine"u8.ToArray()));
        LieAboutSize(package, "liar.bin", 1000);

        var (entries, skipped) = BoundedArchive.ReadAll(new MemoryStream(package), Small);
        // .NET's reader stops at the stated size; the bounded stream would stop it at the limits otherwise. Either way
        // the 40 MiB behind a claim of 1,000 bytes are never inflated.
        Assert.True(entries.Single(e => e.Name == "liar.bin").Content.Length <= 1000);
        Assert.Equal("fine"u8.ToArray(), entries.Single(e => e.Name == "ok.txt").Content);
        Assert.Empty(skipped);
    }

    /// <summary>Writes a false uncompressed size into the local header and the central directory record of one entry.</summary>
    private static void LieAboutSize(byte[] zip, string name, uint size)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var patched = 0;
        for (var i = 0; i + 46 < zip.Length; i++)
        {
            var sig = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i));
            if (sig == 0x04034b50 && zip.AsSpan(i + 30, nameBytes.Length).SequenceEqual(nameBytes)
                && BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(i + 26)) == nameBytes.Length)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(i + 22), size);
                patched++;
            }
            else if (sig == 0x02014b50 && zip.AsSpan(i + 46, nameBytes.Length).SequenceEqual(nameBytes)
                && BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(i + 28)) == nameBytes.Length)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(i + 24), size);
                patched++;
            }
        }
        Assert.Equal(2, patched);
    }
}
