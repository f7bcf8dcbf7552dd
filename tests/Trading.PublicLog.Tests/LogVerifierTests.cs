using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Trading.PublicLog.Tests;

/// <summary>Tamper tests over a downloaded log: each names the first bad index.</summary>
public sealed class LogVerifierTests
{
    private const string Origin = CheckpointTests.Origin;

    private sealed class Fixture : IDisposable
    {
        public ECDsa Key { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        public NoteSigner Signer { get; }
        public List<LogExportRecord> Records { get; } = [];
        public List<string> Notes { get; } = [];

        public Fixture(params int[] checkpointSizes)
        {
            Signer = new NoteSigner(Origin, Key);
            var ct = TestContext.Current.CancellationToken;
            var store = new InMemoryLogStore();
            var log = new MerkleLog(store);
            var t = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
            int total = checkpointSizes.Max();
            for (int i = 0; i < total; i++)
            {
                var entry = new LogEntry(LogEntryTypes.TenderDocumentObtained, 1, t.AddSeconds(i), "T-1", new JsonObject { ["bidder"] = $"firm:{i:x32}" }).ToCanonicalBytes();
                log.AppendAsync(entry, ct).GetAwaiter().GetResult();
                Records.Add(new LogExportRecord(i, entry, store.GetNode(new NodeAddress(0, i))));
            }
            foreach (var size in checkpointSizes)
            {
                var root = log.GetRootAsync(size, ct).GetAwaiter().GetResult();
                Notes.Add(SignedNote.SignCheckpoint(new Checkpoint(Origin, size, root, t.AddSeconds(size)), Signer));
            }
        }

        public LogVerificationReport Verify(IEnumerable<LogExportRecord>? records = null, IReadOnlyList<string>? notes = null) =>
            LogVerifier.Verify(records ?? Records, notes ?? Notes, Signer.Verifier, new LogVerifier.Options(Origin: Origin));

        public void Dispose() => Key.Dispose();
    }

    [Fact]
    public void An_untouched_log_verifies_through_every_checkpoint_via_the_json_lines_form()
    {
        using var f = new Fixture(10, 33, 50);
        var lines = f.Records.Select(r => r.ToJsonLine()).ToList();
        var parsed = lines.Select((l, i) => LogExportRecord.ParseJsonLine(l, i));
        var report = f.Verify(parsed);
        Assert.True(report.Ok, report.Problem?.Message);
        Assert.Equal(50, report.Entries);
        Assert.Equal(50, report.VerifiedSize);
        Assert.Equal(3, report.Checkpoints);
    }

    /// <summary>
    /// Deep in a long log (around 4096-row boundaries a chunked or parallel verifier would have), a bad entry, and a
    /// row that does not parse after an earlier bad one, are named in file order, and the verified size stops at the
    /// last good checkpoint.
    /// </summary>
    [Theory]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(9000)]
    public void Across_chunk_boundaries_the_first_problem_in_file_order_is_named(int bad)
    {
        using var f = new Fixture(5000, 10_000);
        var lines = f.Records.Select(r => r.ToJsonLine()).ToList();

        // A non-canonical entry whose stored leaf hash matches it: only the format check catches it.
        var tampered = f.Records.ToList();
        var text = System.Text.Encoding.UTF8.GetString(tampered[bad].Entry).Replace("{\"bidder\"", "{ \"bidder\"", StringComparison.Ordinal);
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        tampered[bad] = new LogExportRecord(bad, bytes, MerkleHash.Leaf(bytes));
        var report = f.Verify(tampered);
        Assert.False(report.Ok);
        Assert.Equal(bad, report.FirstBadIndex);
        Assert.Equal("verify.entry-invalid", report.Problem!.Code);

        // That row, and then a row that does not parse later on: the earlier one is named.
        var withGarbage = lines.Select((l, i) => i == bad ? tampered[bad].ToJsonLine() : i == bad + 3000 ? "{garbage" : l);
        report = f.Verify(withGarbage.Select((l, i) => LogExportRecord.ParseJsonLine(l, i)));
        Assert.Equal(bad, report.FirstBadIndex);

        // Only the unparsable row: it is named, after every row before it was checked.
        var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines.Select((l, i) => i == bad ? "{garbage" : l))));
        report = f.Verify(LogVerifier.ReadJsonLines(stream));
        Assert.False(report.Ok);
        Assert.Equal(bad, report.FirstBadIndex);
        Assert.Equal(bad < 5000 ? 0 : 5000, report.VerifiedSize);

        // Untouched, through both checkpoints.
        report = f.Verify(LogVerifier.ReadJsonLines(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines)))));
        Assert.True(report.Ok, report.Problem?.Message);
        Assert.Equal(10_000, report.VerifiedSize);
    }

    [Fact]
    public void One_changed_byte_in_a_stored_entry_names_that_entry()
    {
        using var f = new Fixture(40);
        var bad = f.Records.ToList();
        var bytes = (byte[])bad[17].Entry.Clone();
        bytes[bytes.Length / 2] ^= 0x01;
        bad[17] = bad[17] with { Entry = bytes };
        var report = f.Verify(bad);
        Assert.False(report.Ok);
        Assert.Equal(17, report.FirstBadIndex);
        Assert.Equal("verify.leaf-hash-mismatch", report.Problem!.Code);
    }

    [Fact]
    public void A_changed_entry_with_a_recomputed_leaf_hash_is_caught_by_the_signed_root()
    {
        using var f = new Fixture(10, 20, 30);
        var bad = f.Records.ToList();
        // Still a valid canonical entry, only the pseudonym changed, and the stored leaf hash recomputed to match.
        var text = System.Text.Encoding.UTF8.GetString(bad[23].Entry);
        Assert.Contains("017\"", text, StringComparison.Ordinal);
        var bytes = System.Text.Encoding.UTF8.GetBytes(text.Replace("017\"", "018\"", StringComparison.Ordinal));
        bad[23] = new LogExportRecord(23, bytes, MerkleHash.Leaf(bytes));
        var report = f.Verify(bad, f.Notes);
        Assert.False(report.Ok);
        Assert.Equal("verify.root-mismatch", report.Problem!.Code);
        // The signed checkpoints at 20 and 30 bracket the change: the first bad entry is at or after 20.
        Assert.Equal(20, report.FirstBadIndex);
        Assert.Equal(20, report.VerifiedSize);
        Assert.Equal(2, report.BadCheckpoint);
    }

    [Fact]
    public void A_deleted_row_names_the_missing_index()
    {
        using var f = new Fixture(30);
        var bad = f.Records.Where(r => r.Index != 12).ToList();
        var report = f.Verify(bad);
        Assert.Equal(12, report.FirstBadIndex);
        Assert.Equal("verify.index-mismatch", report.Problem!.Code);
    }

    [Fact]
    public void Swapped_rows_name_the_first_swapped_position_even_when_renumbered()
    {
        using var f = new Fixture(30);
        var swapped = f.Records.ToList();
        (swapped[8], swapped[21]) = (swapped[21], swapped[8]);
        Assert.Equal(8, f.Verify(swapped).FirstBadIndex);

        // Renumbered to hide the swap, leaf hashes moved with their rows: the leaf hashes still disagree with the root.
        var renumbered = swapped.Select((r, i) => r with { Index = i, LeafHash = null }).ToList();
        var report = f.Verify(renumbered);
        Assert.False(report.Ok);
        Assert.Equal("verify.root-mismatch", report.Problem!.Code);
        Assert.Equal(0, report.FirstBadIndex);
    }

    [Fact]
    public void A_forged_checkpoint_is_named()
    {
        using var f = new Fixture(10, 20);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = f.Notes.ToList();
        var cp = SignedNote.OpenCheckpoint(forged[1], f.Signer.Verifier);
        // Same key name and forged key ID bytes copied from the real note, signature by another key.
        var realSig = SignedNote.Split(forged[1]).Signatures[0].Payload;
        var fakeSig = new NoteSigner(Origin, otherKey).Sign(cp.ToNoteText());
        var fakePayload = SignedNote.Split(fakeSig).Signatures[0].Payload;
        Array.Copy(realSig, fakePayload, 4);
        forged[1] = cp.ToNoteText() + "\n— " + Origin + " " + Convert.ToBase64String(fakePayload) + "\n";
        var report = f.Verify(notes: forged);
        Assert.False(report.Ok);
        Assert.Equal(1, report.BadCheckpoint);
        Assert.Equal("verify.checkpoint-invalid", report.Problem!.Code);
        Assert.Equal("checkpoint.bad-signature", ((PublicLogException)report.Problem.InnerException!).Code);
    }

    [Fact]
    public void A_truncated_download_a_forked_checkpoint_pair_and_no_checkpoint_are_refused()
    {
        using var f = new Fixture(10, 25);
        var report = f.Verify(f.Records.Take(20));
        Assert.Equal("verify.checkpoint-beyond-log", report.Problem!.Code);
        Assert.Equal(20, report.FirstBadIndex);
        Assert.Equal(10, report.VerifiedSize);

        var cp10 = SignedNote.OpenCheckpoint(f.Notes[0], f.Signer.Verifier);
        var fork = SignedNote.SignCheckpoint(cp10 with { Root = SHA256.HashData("x"u8) }, f.Signer);
        Assert.Equal("proof.same-size-different-root", f.Verify(notes: [f.Notes[0], fork]).Problem!.Code);
        Assert.Equal("verify.no-checkpoint", f.Verify(notes: []).Problem!.Code);
    }

    /// <summary>
    /// A checkpoint of the empty log carries the empty root: both paths accept it and name one that carries another
    /// root, at that checkpoint, before reading any row.
    /// </summary>
    [Fact]
    public void A_checkpoint_of_the_empty_log_must_carry_the_empty_root_on_both_paths()
    {
        using var f = new Fixture(12);
        var lines = System.Text.Encoding.UTF8.GetBytes(string.Join('\n', f.Records.Select(r => r.ToJsonLine())));
        var t = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var empty = SignedNote.SignCheckpoint(new Checkpoint(Origin, 0, MerkleHash.EmptyRoot(), t), f.Signer);
        var wrong = SignedNote.SignCheckpoint(new Checkpoint(Origin, 0, SHA256.HashData("x"u8), t), f.Signer);
        var options = new LogVerifier.Options(Origin: Origin);

        var rows = f.Verify(notes: [empty, .. f.Notes]);
        var blocks = LogVerifier.VerifyJsonLines(new MemoryStream(lines), [empty, .. f.Notes], f.Signer.Verifier, options);
        Assert.True(rows.Ok, rows.Problem?.Message);
        Assert.True(blocks.Ok, blocks.Problem?.Message);
        Assert.Equal((12, 12, 2), (blocks.Entries, blocks.VerifiedSize, blocks.Checkpoints));

        foreach (var report in new[] { f.Verify(notes: [.. f.Notes, wrong]), LogVerifier.VerifyJsonLines(new MemoryStream(lines), [.. f.Notes, wrong], f.Signer.Verifier, options) })
        {
            Assert.False(report.Ok);
            Assert.Equal("verify.root-mismatch", report.Problem!.Code);
            Assert.Equal(1, report.BadCheckpoint);
            Assert.Equal((0, 0), (report.Entries, report.VerifiedSize));
        }
    }

    [Fact]
    public void Non_canonical_entry_bytes_are_named()
    {
        using var f = new Fixture(5);
        var bad = f.Records.ToList();
        var spaced = System.Text.Encoding.UTF8.GetBytes(" " + System.Text.Encoding.UTF8.GetString(bad[3].Entry));
        bad[3] = new LogExportRecord(3, spaced, MerkleHash.Leaf(spaced));
        var report = f.Verify(bad);
        Assert.Equal(3, report.FirstBadIndex);
        Assert.Equal("verify.entry-invalid", report.Problem!.Code);
    }

    [Fact]
    public void Download_files_round_trip_and_a_garbled_row_is_named()
    {
        using var f = new Fixture(6, 12);
        var sw = new StringWriter();
        LogVerifier.WriteJsonLines(f.Records, sw);
        var notes = LogVerifier.ParseCheckpoints(LogVerifier.WriteCheckpoints(f.Notes));
        Assert.Equal(f.Notes, notes);
        Assert.True(f.Verify(LogVerifier.ReadJsonLines(new StringReader(sw.ToString())), notes).Ok);

        var lines = sw.ToString().Split('\n');
        lines[7] = lines[7][..^5];
        var report = f.Verify(LogVerifier.ReadJsonLines(new StringReader(string.Join('\n', lines))), notes);
        Assert.Equal(7, report.FirstBadIndex);
        Assert.Equal("verify.entry-invalid", report.Problem!.Code);
        Assert.Equal("checkpoint.malformed", Assert.Throws<LogFormatException>(() => LogVerifier.ParseCheckpoints("{\"a\":1}")).Code);
    }

    /// <summary>
    /// The parallel JSON Lines path (what <c>trading verify-log</c> runs) gives the same report as the row-by-row one,
    /// for the untouched log and for damage placed around its 8192-row blocks: a flipped byte in an entry, a changed
    /// stored leaf hash, a non-canonical entry, an unparsable row followed by a later bad one, a missing or blank row,
    /// and a file with or without its final newline.
    /// </summary>
    [Fact]
    public void The_parallel_json_lines_path_reports_exactly_what_the_sequential_path_reports()
    {
        using var f = new Fixture(8000, 8192, 20_000);
        var lines = f.Records.Select(r => r.ToJsonLine()).ToList();
        var rng = new Random(19);
        var cases = new List<(string Name, List<string> Lines, bool FinalNewline)> { ("untouched", lines, true), ("untouched, no final newline", lines, false) };
        foreach (var at in new[] { 0, 8191, 8192, 8193, 16_384, 19_999, rng.Next(20_000) })
        {
            var flipped = lines.ToList();
            var chars = flipped[at].ToCharArray();
            var k = flipped[at].IndexOf("firm:", StringComparison.Ordinal) + 7;
            chars[k] = chars[k] == 'a' ? 'b' : 'a';
            flipped[at] = new string(chars);
            cases.Add(($"entry byte at {at}", flipped, true));

            var leaf = lines.ToList();
            leaf[at] = new LogExportRecord(at, f.Records[at].Entry, new byte[32]).ToJsonLine();
            cases.Add(($"leaf hash at {at}", leaf, true));

            var text = System.Text.Encoding.UTF8.GetString(f.Records[at].Entry).Replace("{\"bidder\"", "{ \"bidder\"", StringComparison.Ordinal);
            var bytes = System.Text.Encoding.UTF8.GetBytes(text);
            var format = lines.ToList();
            format[at] = new LogExportRecord(at, bytes, MerkleHash.Leaf(bytes)).ToJsonLine();
            cases.Add(($"non-canonical at {at}", format, true));

            var garbage = lines.Select((l, i) => i == at ? "{garbage" : i == Math.Min(at + 5000, 19_999) && at + 5000 < 20_000 ? "[]" : l).ToList();
            cases.Add(($"unparsable at {at}", garbage, true));

            cases.Add(($"missing row {at}", lines.Where((_, i) => i != at).ToList(), true));
            cases.Add(($"blank row at {at}", lines.Select((l, i) => i == at ? "" : l).ToList(), true));
        }
        foreach (var (name, rows, finalNewline) in cases)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(string.Join('\n', rows) + (finalNewline ? "\n" : ""));
            var sequential = f.Verify(LogVerifier.ReadJsonLines(new MemoryStream(bytes)));
            var parallel = LogVerifier.VerifyJsonLines(new MemoryStream(bytes), f.Notes, f.Signer.Verifier, new LogVerifier.Options(Origin: Origin));
            Assert.True(sequential.Ok == parallel.Ok, name);
            Assert.True((sequential.Entries, sequential.VerifiedSize, sequential.FirstBadIndex, sequential.BadCheckpoint, sequential.Checkpoints)
                == (parallel.Entries, parallel.VerifiedSize, parallel.FirstBadIndex, parallel.BadCheckpoint, parallel.Checkpoints), name);
            Assert.True(sequential.Problem?.Code == parallel.Problem?.Code && sequential.Problem?.Message == parallel.Problem?.Message, $"{name}: {sequential.Problem?.Message} / {parallel.Problem?.Message}");
        }
        Assert.True(LogVerifier.VerifyJsonLines(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines))), f.Notes, f.Signer.Verifier, new LogVerifier.Options(Origin: Origin)).Ok);
    }

    [Fact]
    public void The_stream_reader_matches_the_text_reader_and_refuses_odd_rows()
    {
        using var f = new Fixture(40);
        var sw = new StringWriter();
        LogVerifier.WriteJsonLines(f.Records, sw);
        var bytes = System.Text.Encoding.UTF8.GetBytes(sw.ToString());
        var fromStream = LogVerifier.ReadJsonLines(new MemoryStream(bytes)).ToList();
        Assert.Equal(f.Records.Count, fromStream.Count);
        Assert.All(fromStream.Zip(f.Records), p => Assert.Equal(p.Second.Entry, p.First.Entry));
        Assert.True(f.Verify(LogVerifier.ReadJsonLines(new MemoryStream(bytes))).Ok);

        var row = f.Records[0].ToJsonLine();
        Assert.Equal("verify.entry-invalid", Assert.Throws<LogFormatException>(() => LogExportRecord.ParseJsonLine(row[..^1] + ",\"x\":1}", 0)).Code);
        Assert.Equal("verify.entry-invalid", Assert.Throws<LogFormatException>(() => LogExportRecord.ParseJsonLine(row + "{}", 0)).Code);
        Assert.Equal("verify.entry-invalid", Assert.Throws<LogFormatException>(() => LogExportRecord.ParseJsonLine(row.Replace("\"index\":0", "\"index\":\"0\"", StringComparison.Ordinal), 0)).Code);
        Assert.Equal("verify.entry-invalid", Assert.Throws<LogFormatException>(() => LogExportRecord.ParseJsonLine("[1]", 0)).Code);
    }

    /// <summary>Entry strings with every kind of escape, and raw non-ASCII text.</summary>
    public static TheoryData<string> EscapedEntries() =>
    [
        "{\\\"a\\\":\\\"b\\\"}",
        "x\\\\y\\/z\\b\\f\\n\\r\\t",
        "\\\\u0041 (a backslash, then u)",
        "\\u00e9\\u4e2d and \\ud83d\\ude00",
        "中文 é 😀",
        "trailing escape \\\"",
        "",
    ];

    [Theory]
    [MemberData(nameof(EscapedEntries))]
    public void A_row_entry_is_unescaped_exactly_as_the_json_reader_unescapes_it(string escaped)
    {
        var line = System.Text.Encoding.UTF8.GetBytes("{\"entry\":\"" + escaped + "\",\"index\":0}");
        var reader = new System.Text.Json.Utf8JsonReader(line);
        reader.Read();
        reader.Read();
        reader.Read();
        var expected = new byte[reader.ValueSpan.Length];
        expected = expected[..reader.CopyString(expected)];
        Assert.Equal(expected, LogExportRecord.ParseJsonLine(line, 0).Entry);
    }

    [Fact]
    public void A_row_entry_that_is_not_utf8_is_refused_as_the_json_reader_refuses_it()
    {
        byte[] line = [.. "{\"entry\":\"a\\\"b"u8, 0xC3, 0x28, .. "\",\"index\":0}"u8];
        var old = Record.Exception(() =>
        {
            var reader = new System.Text.Json.Utf8JsonReader(line);
            reader.Read();
            reader.Read();
            reader.Read();
            reader.CopyString(new byte[64]);
        });
        var now = Record.Exception(() => LogExportRecord.ParseJsonLine(line, 0));
        Assert.Equal(old is null, now is null);
    }

    /// <summary>
    /// The block path (<see cref="LogVerifier.VerifyJsonLines"/>) over a log with sealed acts in and around its 8192-row
    /// blocks and a reveal that opens them, and with rows written in forms its own row parser leaves to the general one
    /// (fields in another order, whitespace, a \u escape, a carriage return, a negative or zero-padded index, bytes that
    /// are not UTF-8, a control byte, a bad escape): every report equals the row-by-row one, including the sealed counts.
    /// </summary>
    [Fact]
    public void The_block_path_reports_sealed_acts_and_unusual_rows_exactly_as_the_row_by_row_path()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signer = new NoteSigner(Origin, key);
        var t = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var sealedAt = new[] { 5, 8191, 8192, 12_000 };
        const int revealAt = 16_500, total = 20_000;
        var openings = new List<SealedActs.Opening>();
        var entries = new List<byte[]>();
        for (int i = 0; i < total; i++)
        {
            if (sealedAt.Contains(i))
            {
                var inner = new LogEntry(LogEntryTypes.TenderDocumentObtained, 1, t.AddSeconds(i), "T-1", new JsonObject { ["bidder"] = $"firm:{i:x32}" }).ToCanonicalBytes();
                var nonce = SealedActs.NewNonce();
                openings.Add(new SealedActs.Opening(i, nonce, inner));
                entries.Add(SealedActs.Act(SealedActs.WindowStart(t.AddSeconds(i), TimeSpan.FromMinutes(10)), SealedActs.Commitment(nonce, inner)).ToCanonicalBytes());
            }
            else if (i == revealAt)
            {
                entries.Add(new LogEntry(SealedActs.RevealType, 1, t.AddSeconds(i), "T-1", SealedActs.RevealData(openings)).ToCanonicalBytes());
            }
            else
            {
                entries.Add(new LogEntry(LogEntryTypes.TenderDocumentObtained, 1, t.AddSeconds(i), "T-1", new JsonObject { ["bidder"] = $"firm:{i:x32}" }).ToCanonicalBytes());
            }
        }
        List<string> Notes(IReadOnlyList<byte[]> es) => [.. new[] { 8192, 16_384, 17_000, total }.Select(size =>
        {
            var range = new CompactRange();
            foreach (var e in es.Take(size))
            {
                range.Append(MerkleHash.Leaf(e));
            }
            return SignedNote.SignCheckpoint(new Checkpoint(Origin, size, range.Root(), t.AddSeconds(size)), signer);
        })];
        var notes = Notes(entries);
        var lines = entries.Select((e, i) => new LogExportRecord(i, e, MerkleHash.Leaf(e)).ToJsonLine()).ToList();

        void Same(string name, IReadOnlyList<string> rows, IReadOnlyList<string>? withNotes = null, bool ok = true)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(string.Join('\n', rows) + "\n");
            var options = new LogVerifier.Options(Origin: Origin);
            var sequential = LogVerifier.Verify(LogVerifier.ReadJsonLines(new MemoryStream(bytes)), withNotes ?? notes, signer.Verifier, options);
            var blocks = LogVerifier.VerifyJsonLines(new MemoryStream(bytes), withNotes ?? notes, signer.Verifier, options);
            Assert.True(sequential.Ok == ok, $"{name}: {sequential.Problem?.Message}");
            Assert.True((sequential.Ok, sequential.Entries, sequential.VerifiedSize, sequential.FirstBadIndex, sequential.BadCheckpoint, sequential.Sealed, sequential.Opened, sequential.Reveals)
                == (blocks.Ok, blocks.Entries, blocks.VerifiedSize, blocks.FirstBadIndex, blocks.BadCheckpoint, blocks.Sealed, blocks.Opened, blocks.Reveals), name);
            Assert.True(sequential.Problem?.Code == blocks.Problem?.Code && sequential.Problem?.Message == blocks.Problem?.Message, $"{name}: {sequential.Problem?.Message} / {blocks.Problem?.Message}");
        }

        Same("sealed acts across blocks, opened by a reveal", lines);
        var report = LogVerifier.VerifyJsonLines(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines))), notes, signer.Verifier, new LogVerifier.Options(Origin: Origin));
        Assert.True((report.Ok, report.Sealed, report.Opened, report.Reveals) == (true, 4, 4, 1), report.Problem?.Message);

        // A reveal whose opening no longer matches the act at 8192: named at the reveal, after the checkpoint at 16,384.
        var tampered = entries.ToList();
        tampered[revealAt] = new LogEntry(SealedActs.RevealType, 1, t.AddSeconds(revealAt), "T-1",
            SealedActs.RevealData(openings.Select(o => o.Index == 8192 ? o with { Nonce = SealedActs.NewNonce() } : o))).ToCanonicalBytes();
        Same("a reveal that does not open its act", [.. tampered.Select((e, i) => new LogExportRecord(i, e, MerkleHash.Leaf(e)).ToJsonLine())], Notes(tampered), ok: false);

        // Rows in forms the block path's own parser leaves to the general one, at and around block edges.
        var record = new LogExportRecord(8191, entries[8191], MerkleHash.Leaf(entries[8191]));
        var json = System.Text.Encoding.UTF8.GetString(entries[8191]);
        var hash = Convert.ToBase64String(record.LeafHash!);
        string Escaped(string s) => System.Text.Json.JsonSerializer.Serialize(s);
        var valid = new Dictionary<string, string>
        {
            ["fields in another order"] = $"{{\"index\":8191,\"leafHash\":\"{hash}\",\"entry\":{Escaped(json)}}}",
            ["whitespace"] = $"{{ \"entry\": {Escaped(json)}, \"index\": 8191, \"leafHash\": \"{hash}\" }}",
            ["a \\u escape"] = lines[8191].Replace("sealed.act", "sealed\\u002eact", StringComparison.Ordinal),
            ["a carriage return"] = lines[8191] + "\r",
            ["no leaf hash"] = $"{{\"entry\":{Escaped(json)},\"index\":8191}}",
        };
        foreach (var (name, row) in valid)
        {
            Same(name, [.. lines.Select((l, i) => i == 8191 ? row : l)]);
        }
        var invalid = new Dictionary<string, string>
        {
            ["a negative index"] = lines[8191].Replace(",\"index\":8191,", ",\"index\":-8191,", StringComparison.Ordinal),
            ["a zero-padded index"] = lines[8191].Replace(",\"index\":8191,", ",\"index\":08191,", StringComparison.Ordinal),
            ["an index one off"] = lines[8191].Replace(",\"index\":8191,", ",\"index\":8192,", StringComparison.Ordinal),
            ["a bad escape"] = lines[8191].Replace("sealed.act", "sealed\\qact", StringComparison.Ordinal),
            ["a control byte"] = lines[8191].Replace("sealed.act", "sealed\tact", StringComparison.Ordinal),
            ["an escaped control byte"] = lines[8191].Replace("sealed.act", "sealed\\tact", StringComparison.Ordinal),
            ["a leaf hash not in canonical base64"] = lines[8191].Replace(hash, hash[..^2] + (hash[^2] == 'A' ? "B=" : "A="), StringComparison.Ordinal),
            ["an unterminated entry"] = lines[8191][..40],
            ["trailing data"] = lines[8191] + "x",
        };
        foreach (var (name, row) in invalid)
        {
            Same(name, [.. lines.Select((l, i) => i == 8191 ? row : l)], ok: false);
        }
        var notUtf8 = System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");
        var at = Array.IndexOf(notUtf8, (byte)'s', System.Text.Encoding.UTF8.GetByteCount(string.Join('\n', lines.Take(8192)) + "\n") + 12);
        notUtf8[at] = 0xC3; // a lead byte followed by ASCII
        var seq = LogVerifier.Verify(LogVerifier.ReadJsonLines(new MemoryStream(notUtf8)), notes, signer.Verifier, new LogVerifier.Options(Origin: Origin));
        var blk = LogVerifier.VerifyJsonLines(new MemoryStream(notUtf8), notes, signer.Verifier, new LogVerifier.Options(Origin: Origin));
        Assert.False(seq.Ok);
        Assert.True((seq.FirstBadIndex, seq.Problem!.Code, seq.Problem.Message) == (blk.FirstBadIndex, blk.Problem!.Code, blk.Problem.Message), $"{seq.Problem.Message} / {blk.Problem?.Message}");
    }
}
