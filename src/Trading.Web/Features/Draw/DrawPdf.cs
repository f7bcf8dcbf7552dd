using System.Security.Cryptography;
using System.Text;
using Trading.ExpertPool;
using Trading.Reports;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Draw;

/// <summary>
/// The draw record for the file, as a PDF through the shared report layout: the same content as the
/// JSON record (pseudonyms only, whoever prints it), with the record's SHA-256 in every page's footer so
/// the paper copy can be matched to the file the verifier checks.
/// </summary>
public sealed class DrawPdf(Texts T, CentreTime time, Certificates.DocumentSeal seal)
{
    public byte[] Render(DrawView v)
    {
        var r = v.Record;
        var culture = DrawCulture.Current;
        var recordHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(v.Session.RecordJson)));
        var report = new Report(new ReportOptions
        {
            Clock = seal.Clock,
            Culture = culture,
            Title = T["Draw.PdfTitle"],
            Subtitle = $"{v.Tender.Code} · {v.Tender.Title} · {T["Draw.Lot"]} {v.Lot.Number}",
            Footer = T["Draw.PdfFooter", time.Format(time.UtcNow), recordHash], Seal = seal.For(T["Draw.PdfTitle"]),
        });
        report.Heading(T["Draw.PdfRequest"]).KeyValues(
            (T["Draw.DrawId"], r.DrawId),
            (T["Draw.Phase"], T["Draw.Phase." + r.Phase]),
            (T["Draw.Room"], r.Request.EvaluationPlace),
            (T["Draw.Session"], $"{time.Format(v.Session.StartsAt)} – {time.ToLocal(v.Session.EndsAt):HH:mm}"),
            (T["Draw.CommitteeSize"], $"{r.Request.CommitteeSize} ({T["Draw.OwnerSeats"]}: {r.Request.OwnerRepresentativeSeats})"),
            (T["Draw.RequestHash"], r.RequestHash),
            (T["Draw.ListHash"], $"{r.ListHash} ({T["Draw.EligibleCount", r.Eligible.Count]})"),
            (T["Draw.Seed"], r.Seed ?? "—"),
            (T["Draw.BeaconValue"], r.Beacon is { } b ? $"{b.Round}: {b.Value}" : "—"));
        report.Table(
            [new ReportColumn(T["Draw.Stratum"]), new ReportColumn(T["Draw.Kind"]), new ReportColumn(T["Draw.Specialties"], 2.5), new ReportColumn(T["Draw.Seats"], 0.7, ColumnAlign.Right)],
            r.Request.Strata.Select(q => (IReadOnlyList<string?>)[q.Id, T["Draw.Kind." + q.Kind], string.Join(", ", q.Specialties), q.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
        report.Heading(T["Draw.Commitments"]).Table(
            [new ReportColumn(T["Draw.Office"], 0.8), new ReportColumn(T["Draw.Commitment"], 2.5), new ReportColumn(T["Draw.Reveal"], 2.5)],
            DrawAlgorithm.Offices.Select(o => (IReadOnlyList<string?>)[T["Draw.Office." + o],
                r.Commitments.FirstOrDefault(c => c.Office == o)?.Commitment ?? "—",
                r.Reveals.FirstOrDefault(c => c.Office == o)?.Value ?? (r.MissingReveals.Contains(o) ? T["Draw.Missing"] : "—")]));
        if (r.Seed is not null)
        {
            report.Heading(T["Draw.CommitteeCaption"]).Table(
                [new ReportColumn(T["Draw.Stratum"]), new ReportColumn(T["Draw.Pseudonym"], 4)],
                DrawProcess.Committee(r).Select(c => (IReadOnlyList<string?>)[c.Stratum, c.Pseudonym]));
            report.Heading(T["Draw.Replacements"]).Table(
                [new ReportColumn("#", 0.4, ColumnAlign.Right), new ReportColumn(T["Draw.Stratum"]), new ReportColumn(T["Draw.Out"], 2.5), new ReportColumn(T["Draw.Why"], 1.2), new ReportColumn(T["Draw.In"], 2.5)],
                r.Replacements.Select(x => (IReadOnlyList<string?>)[x.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture), x.Stratum, x.Out,
                    T["Draw.ReplaceReason." + x.Reason] + (x.DeclineReason is { } d ? " · " + T["Draw.DeclineReason." + d] : ""), x.In ?? T["Draw.ReserveExhausted"]]));
        }
        if (r.Void is { } vd)
            report.Heading(T["Draw.VoidTitle"]).Paragraph($"{time.Format(vd.At.UtcDateTime)} · {vd.Reason}");
        report.Paragraph(T["Draw.PdfVerify"]);
        return report.Render();
    }
}
