using System.Globalization;
using Trading.PublicLog.Archive;
using Trading.Reports;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Archive;

/// <summary>
/// The archive index (档案目录) as a PDF sealed by the centre like the other records: the tender, the retention, the
/// checkpoint and every other member of the package. The list it prints is attached to it as the same list in JSON
/// (<see cref="ArchiveIndex.ToBytes"/>), which <c>trading verify-archive</c> compares with the package's files.
/// </summary>
public sealed class ArchiveIndexPdf(Texts T, CentreTime time, Certificates.DocumentSeal seal)
{
    public byte[] Render(ArchiveIndex index)
    {
        var t = index.Tender;
        string N(long n) => n.ToString(CultureInfo.InvariantCulture);
        // Landscape, with the widest column for the hash: a SHA-256 stays on one line, so it reads (and copies) whole.
        var r = new Report(new ReportOptions
        {
            Clock = seal.Clock,
            Culture = InCulture.Tag, Title = T["Archive.IndexTitle"], Subtitle = $"{t.Code} {t.Title}", Landscape = true, Seal = seal.For(T["Archive.IndexTitle"]),
            Footer = T["Archive.IndexFooter", time.Format(time.UtcNow)],
        });
        r.KeyValues(
            (T["Archive.IndexTender"], $"{t.Code} {t.Title}"),
            (T["Archive.IndexOwner"], t.Owner),
            (T["Archive.IndexOutcome"], T["Archive.IndexOutcome." + (t.State == "failed" ? "failed" : "completed")]),
            (T["Archive.IndexArchivedAt"], time.Format(index.ArchivedAt.UtcDateTime)),
            (T["Archive.Retention"], T["Archive.RetainUntil", index.RetentionYears, index.RetainUntil.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)]),
            (T["Archive.IndexCheckpoint"], T["Archive.IndexCheckpointValue", N(index.CheckpointSize), Convert.ToBase64String(index.CheckpointRoot)]));
        r.Table(
        [
            new ReportColumn("#", 0.35, ColumnAlign.Right), new ReportColumn(T["Archive.IndexFile"], 2.6), new ReportColumn(T["Archive.IndexKind"], 1.5),
            new ReportColumn(T["Archive.IndexSize"], 1, ColumnAlign.Right), new ReportColumn(T["Archive.IndexLogIndex"], 0.7, ColumnAlign.Right),
            new ReportColumn("SHA-256", 5.1),
        ], index.Files.Select((f, i) => (IReadOnlyList<string?>)
            [N(i + 1), f.Path + "\n" + f.Title, f.Kind, N(f.Length), f.LogIndex is { } li ? N(li) : "—", f.Sha256]).ToList());
        r.Paragraph(T["Archive.IndexNote", TenderArchive.IndexPath, TenderArchive.IndexAttachment]);
        r.Attach(TenderArchive.IndexAttachment, index.ToBytes());
        return r.Render();
    }
}
