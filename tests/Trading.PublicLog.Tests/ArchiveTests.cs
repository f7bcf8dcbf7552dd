using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Trading.PublicLog.Archive;

namespace Trading.PublicLog.Tests;

/// <summary>
/// The archive package (docs/archive-format.md): a package built from a real log (with a sealed act and its reveal) and
/// a cosigned checkpoint verifies with the root certificate alone; one byte changed in any header, content, padding or
/// end block is found and blamed on the member it sits in; a foreign root, a checkpoint without the witness, an entry
/// of another tender and a file the log does not state are each refused by name.
/// </summary>
public sealed class ArchiveTests(PkiFixture f) : IClassFixture<PkiFixture>
{
    private const string Origin = "trading.test/log";
    private const string TenderId = "9f0c6a3e-0000-4000-8000-000000000001";
    private static readonly DateTimeOffset T0 = PkiFixture.Now;

    /// <summary>Builds a log: other tenders' entries, the tender's entries, a sealed act, cover, the reveal; returns a package.</summary>
    public static async Task<byte[]> BuildAsync(CentrePki pki, Action<List<ArchiveLogEntry>>? tamperEntries = null, bool cosign = true,
        string? documentSha = null, IReadOnlyList<ArchiveItem>? extraFiles = null, Func<ArchiveIndex, ArchiveIndex>? index = null, CancellationToken ct = default)
    {
        var store = new InMemoryLogStore();
        var log = new MerkleLog(store);
        var document = Encoding.UTF8.GetBytes(new string('文', 700) + " tender documents");
        var docSha = documentSha ?? Convert.ToHexStringLower(SHA256.HashData(document));
        var ours = new List<long>();
        async Task Add(LogEntry e, bool mine)
        {
            var i = await log.AppendAsync(e.ToCanonicalBytes(), ct);
            if (mine) ours.Add(i);
        }
        await Add(new LogEntry("tender.published", 1, T0, "other", []), false);
        await Add(new LogEntry("tender.document.added", 1, T0.AddMinutes(1), TenderId, new JsonObject { ["sha256"] = docSha }), true);
        long documentIndex = ours[^1];
        var inner = new LogEntry("bid.submitted", 1, T0.AddMinutes(5), TenderId, new JsonObject { ["lot"] = "L-1" }).ToCanonicalBytes();
        var nonce = SealedActs.NewNonce();
        var sealedIndex = await log.AppendAsync(SealedActs.Act(T0, SealedActs.Commitment(nonce, inner)).ToCanonicalBytes(), ct);
        ours.Add(sealedIndex);
        await Add(SealedActs.Cover(T0), false);
        await Add(new LogEntry(SealedActs.RevealType, 1, T0.AddDays(20), TenderId, SealedActs.RevealData([new SealedActs.Opening(sealedIndex, nonce, inner)])), true);
        await Add(new LogEntry("tender.failed", 1, T0.AddDays(20), TenderId, new JsonObject { ["rule"] = "Rule.Tender.NotEnoughBids" }), true);
        await Add(new LogEntry("tender.archived", 1, T0.AddDays(21), TenderId, new JsonObject { ["retentionYears"] = 30 }), true);
        await Add(new LogEntry("tender.published", 1, T0.AddDays(21), "other", []), false);
        long size = await log.GetSizeAsync(ct);
        var note = SignedNote.SignCheckpoint(new Checkpoint(Origin, size, await log.GetRootAsync(size, ct), T0.AddDays(21)), pki.LogSigner(Origin));
        if (cosign) note = SignedNote.AddCosignature(note, pki.WitnessSigner("supervision/witness"), T0.AddDays(21).AddMinutes(1));
        var entries = new List<ArchiveLogEntry>();
        foreach (var i in ours)
            entries.Add(new ArchiveLogEntry(i, (await store.GetEntriesAsync(i, 1, ct))[0], await log.GetInclusionProofAsync(i, size, ct)));
        tamperEntries?.Invoke(entries);
        var tsa = pki.TimeStampAuthority();
        var builder = new TenderArchiveBuilder
        {
            Tender = new ArchiveTender(TenderId, "ZB-2026-0001", "道路工程 road works", "Owner One", "failed"),
            ArchivedAt = T0.AddDays(21), RetentionYears = 30, BuiltAt = T0.AddDays(22),
            Files =
            [
                ArchiveItem.FromBytes("documents/01-documents.txt", "tender-document", "招标文件.txt", document, documentIndex),
                ArchiveItem.FromBytes("bids/01.env", "bid-envelope", "envelope", RandomNumberGenerator.GetBytes(1500)),
                ArchiveItem.FromBytes("records/empty.json", "record", "an empty file", []),
                .. extraFiles ?? [],
            ],
            CosignedCheckpoint = note, WitnessName = "supervision/witness",
            LogCertificates = [pki.LogSigning, pki.Issuing], WitnessCertificate = pki.Witness!,
            Entries = entries,
            Stamp = (imprint, _) => Task.FromResult(tsa.Stamp(imprint, T0.AddDays(22))),
            // The index's "PDF" is its attachment alone here: the seal is the CLI's check (ArchiveWebTests runs it).
            Index = index is null ? null : (ix, _) => Task.FromResult(index(ix).ToBytes()),
        };
        var output = new MemoryStream();
        await builder.WriteAsync(output, ct);
        return output.ToArray();
    }

    private async Task<ArchiveVerification> VerifyAsync(byte[] package, CentrePki? root = null) =>
        await TenderArchiveVerifier.VerifyAsync(new MemoryStream(package), (root ?? f.Pki).Root, TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_built_package_verifies_with_the_root_alone_and_tar_reads_it()
    {
        var package = await BuildAsync(f.Pki, ct: TestContext.Current.CancellationToken);
        var result = await VerifyAsync(package);
        Assert.True(result.Ok, result.Problem?.Message);
        Assert.Equal(5, result.EntriesChecked);
        Assert.Equal(1, result.SealedOpened);
        Assert.Equal(new DateOnly(2056, 3, 22), result.Manifest!.RetainUntil);
        Assert.NotNull(result.CosignedAt);
        // An ordinary tar reader sees the same members in the same order.
        var names = new List<string>();
        using var reader = new System.Formats.Tar.TarReader(new MemoryStream(package));
        while (reader.GetNextEntry() is { } e) names.Add(e.Name);
        Assert.Equal([TenderArchive.ManifestPath, TenderArchive.StampPath, .. result.Manifest.Files.Select(x => x.Path)], names);
    }

    [Fact]
    public async Task One_byte_changed_in_any_member_names_that_member()
    {
        var ct = TestContext.Current.CancellationToken;
        var package = await BuildAsync(f.Pki, ct: ct);
        // Walk the tar: for each member a byte of its header (name, time, checksum), of its content and of its padding.
        var spots = new List<(int Offset, string Member)>();
        int at = 0;
        while (ArchiveTar.Peek(package.AsSpan(at, ArchiveTar.Block)) is { } m)
        {
            spots.Add((at + 3, m.Name));
            spots.Add((at + 140, m.Name));
            spots.Add((at + 150, m.Name));
            int content = at + ArchiveTar.Block;
            if (m.Size > 0)
            {
                spots.Add((content, m.Name));
                spots.Add((content + (int)m.Size / 2, m.Name));
                spots.Add((content + (int)m.Size - 1, m.Name));
            }
            if (ArchiveTar.Padding(m.Size) > 0) spots.Add((content + (int)m.Size, m.Name));
            at = content + (int)m.Size + ArchiveTar.Padding(m.Size);
        }
        Assert.Equal(9, spots.Select(s => s.Member).Distinct().Count());
        foreach (var (offset, member) in spots)
        {
            var bad = (byte[])package.Clone();
            bad[offset] ^= 0x20;
            var result = await VerifyAsync(bad);
            Assert.False(result.Ok, $"byte {offset} in {member} changed and still verified");
            Assert.Equal(member, result.File);
        }
        // The end blocks, and anything appended, are not any file's: they are named as the end.
        var end = (byte[])package.Clone();
        end[^100] = 1;
        Assert.Equal("(end)", (await VerifyAsync(end)).File);
        Assert.False((await VerifyAsync([.. package, 0])).Ok);
        Assert.False((await VerifyAsync(package[..^1024])).Ok);
    }

    [Fact]
    public async Task Another_centres_root_is_refused_at_the_time_stamp()
    {
        var result = await VerifyAsync(await BuildAsync(f.Pki, ct: TestContext.Current.CancellationToken), f.Other);
        Assert.False(result.Ok);
        Assert.Equal(TenderArchive.StampPath, result.File);
        Assert.Equal("cert.untrusted", result.Problem!.Code);
    }

    [Fact]
    public async Task A_checkpoint_the_witness_did_not_cosign_is_refused()
    {
        var result = await VerifyAsync(await BuildAsync(f.Pki, cosign: false, ct: TestContext.Current.CancellationToken));
        Assert.False(result.Ok);
        Assert.Equal(TenderArchive.CheckpointPath, result.File);
        Assert.Equal("checkpoint.no-trusted-signature", result.Problem!.Code);
    }

    [Fact]
    public async Task A_centre_that_stamps_a_wrong_package_is_still_caught_by_the_log()
    {
        var ct = TestContext.Current.CancellationToken;
        // An entry's bytes changed before building: the manifest and stamp agree with the changed file, the proofs do not.
        var changed = await VerifyAsync(await BuildAsync(f.Pki, e => e[^1] = e[^1] with { Entry = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(e[^1].Entry).Replace("30", "10")) }, ct: ct));
        Assert.Equal(TenderArchive.EntriesPath, changed.File);
        Assert.Equal("archive.log-entry", changed.Problem!.Code);
        // The reveal left out: the sealed entry belongs to no tender in the package.
        var unopened = await VerifyAsync(await BuildAsync(f.Pki, e => e.RemoveAll(x => Encoding.UTF8.GetString(x.Entry).Contains("sealed.reveal")), ct: ct));
        Assert.Equal("archive.sealed-unopened", unopened.Problem!.Code);
        // A document whose hash the log does not state.
        var unlogged = await VerifyAsync(await BuildAsync(f.Pki, documentSha: new string('0', 64), ct: ct));
        Assert.Equal("documents/01-documents.txt", unlogged.File);
        Assert.Equal("archive.file-not-logged", unlogged.Problem!.Code);
    }

    [Fact]
    public async Task Messages_name_the_file_in_both_languages()
    {
        var package = await BuildAsync(f.Pki, ct: TestContext.Current.CancellationToken);
        package[package.Length - 1024 - 10] ^= 1; // inside the last member's padding or content
        var result = await VerifyAsync(package);
        Assert.Contains(result.File!, result.Problem!.Localized("en"), StringComparison.Ordinal);
        Assert.Contains(result.File!, result.Problem.Localized("zh-CN"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_index_is_checked_against_the_members_and_a_disagreement_names_the_file()
    {
        var ct = TestContext.Current.CancellationToken;
        static byte[] Attachment(byte[] pdf) => pdf;
        async Task<ArchiveVerification> Check(byte[] package, ArchiveIndexReader? reader) =>
            await TenderArchiveVerifier.VerifyAsync(new MemoryStream(package), f.Pki.Root, reader, ct);

        // As built: the last member, listing every other member exactly as the manifest does, and the checkpoint.
        var package = await BuildAsync(f.Pki, index: i => i, ct: ct);
        var good = await Check(package, Attachment);
        Assert.True(good.Ok, good.Problem?.Message);
        Assert.Equal(TenderArchive.IndexPath, good.Manifest!.Files[^1].Path);
        Assert.Equal(TenderArchive.IndexKind, good.Manifest.Files[^1].Kind);
        Assert.Equal(good.Manifest.Files.SkipLast(1), good.Index!.Files);
        Assert.Equal(good.Checkpoint!.Root, good.Index.CheckpointRoot);

        // Not taken on trust: without a reader, or when the reader finds the seal broken, the index is blamed.
        var notRead = await VerifyAsync(package);
        Assert.Equal((TenderArchive.IndexPath, "archive.index-unchecked"), (notRead.File, notRead.Problem!.Code));
        var broken = await Check(package, _ => throw new LogVerificationException("pdf.altered"));
        Assert.Equal((TenderArchive.IndexPath, "pdf.altered"), (broken.File, broken.Problem!.Code));

        // An index the centre built wrongly (and sealed and stamped anyway) fails, naming the file it is wrong about.
        var cases = new (Func<ArchiveIndex, ArchiveIndex> Tamper, string File, string Code)[]
        {
            (i => i with { Files = [.. i.Files.Select(x => x.Path == "bids/01.env" ? x with { Sha256 = new string('a', 64) } : x)] }, "bids/01.env", "archive.index-differs"),
            (i => i with { Files = [.. i.Files.Select(x => x.Path == "bids/01.env" ? x with { Length = x.Length + 1 } : x)] }, "bids/01.env", "archive.index-differs"),
            (i => i with { Files = [.. i.Files.Select(x => x.Path == "bids/01.env" ? x with { LogIndex = 3 } : x)] }, "bids/01.env", "archive.index-differs"),
            (i => i with { Files = [.. i.Files.Where(x => x.Path != "records/empty.json")] }, "records/empty.json", "archive.index-unlisted"),
            (i => i with { Files = [.. i.Files, i.Files[0] with { Path = "documents/99-extra.txt" }] }, "documents/99-extra.txt", "archive.index-extra"),
            (i => i with { CheckpointRoot = new byte[32] }, TenderArchive.IndexPath, "archive.index-differs"),
            (i => i with { Tender = i.Tender with { Code = "ZB-2026-9999" } }, TenderArchive.IndexPath, "archive.index-differs"),
            (i => i with { RetentionYears = 10 }, TenderArchive.IndexPath, "archive.index-differs"),
        };
        foreach (var (tamper, file, code) in cases)
        {
            var result = await Check(await BuildAsync(f.Pki, index: tamper, ct: ct), Attachment);
            Assert.False(result.Ok, $"{file} {code}");
            Assert.Equal((file, code), (result.File, result.Problem!.Code));
            Assert.Contains(file, result.Problem.Localized("zh-CN"), StringComparison.Ordinal);
        }
    }
}
