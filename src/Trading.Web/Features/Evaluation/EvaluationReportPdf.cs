using System.Globalization;
using Trading.Domain;
using Trading.Domain.Evaluation;
using Trading.PublicLog;
using Trading.Reports;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Evaluation;

/// <summary>
/// The evaluation report as a PDF (Trading.Reports), in Chinese, the language of the record the centre keeps: the
/// committee by seat, the bids and the review with every rejection's ground and reason, each seat's results, the
/// explained deviations, the ranking and candidates, dissent, and one signature row per seat; attached (under the seal) the content and each member's own signature.
/// </summary>
public sealed class EvaluationReportPdf(Texts t, Certificates.DocumentSeal seal)
{
    public byte[] Render(ReportContent c, IReadOnlyList<(int Seat, string Pseudonym, ReportSignature Signature)> signatures, DateTime issuedAt)
    {
        return InCulture.Run(InCulture.Chinese, () => Build(c, signatures, issuedAt).Render());
    }

    private Report Build(ReportContent c, IReadOnlyList<(int Seat, string Pseudonym, ReportSignature Signature)> signatures, DateTime issuedAt)
    {
        var hash = c.Sha256();
        var r = new Report(new ReportOptions
        {
            Clock = seal.Clock,
            Culture = "zh-CN", Title = t["Evaluation.Report.Title"], Subtitle = $"{c.TenderCode} {c.TenderTitle} · {t["Evaluation.Report.Lot", c.LotNumber, c.LotName]}",
            Footer = t["Evaluation.Report.Footer", t.Time(issuedAt), hash], Author = t["Evaluation.Report.Author"], Landscape = true,
            Seal = seal.For(t["Evaluation.Report.Title"]),
        });
        string Firm(Guid bid) => c.Bids.First(b => b.BidId == bid).Firm;
        string Seat(int n) => t["Evaluation.Seat", n];
        r.KeyValues((t["Evaluation.DrawId"], c.DrawId), (t["Evaluation.Room"], c.Room), (t["Evaluation.SessionTime"], $"{t.Time(c.StartsAt)} – {t.Time(c.EndsAt)}"),
            (t["Evaluation.Method"], t[$"Method.{c.Method}"]), (t["Evaluation.Report.ContentHash"], hash), (t["Evaluation.Report.IssuedAt"], t.Time(issuedAt)));

        r.Heading(t["Evaluation.Report.Committee"]);
        r.Paragraph(t["Evaluation.Report.NamesWithheld"]);
        r.Table([new ReportColumn(t["Evaluation.SeatColumn"], 1), new ReportColumn(t["Evaluation.Pseudonym"], 4), new ReportColumn(t["Evaluation.Chair"], 1, ColumnAlign.Center)],
            c.Seats.Select(s => (IReadOnlyList<string?>)[Seat(s.Number), s.Pseudonym[..Math.Min(16, s.Pseudonym.Length)], s.Chair ? t["Evaluation.Chair"] : ""]).ToList());

        r.Heading(t["Evaluation.Report.Bids"]);
        r.Table([new ReportColumn(t["Evaluation.Firm"], 3), new ReportColumn(t["Evaluation.Price"], 1.5, ColumnAlign.Right), new ReportColumn(t["Evaluation.ReviewResult"], 1.2, ColumnAlign.Center)],
            c.Bids.Select(b => (IReadOnlyList<string?>)[b.Firm, t.Yuan(b.PriceFen), b.Rejected ? t["Evaluation.Rejected"] : t["Evaluation.Passed"]]).ToList());

        var rejections = c.Bids.SelectMany(b => b.Review.Where(x => !x.Passed).Select(x => (b.Firm, x))).ToList();
        r.Heading(t["Evaluation.Report.Rejections"]);
        if (rejections.Count == 0) r.Paragraph(t["Evaluation.Report.NoRejections"]);
        else
            r.Table([new ReportColumn(t["Evaluation.Firm"], 2.5), new ReportColumn(t["Evaluation.ReviewItem"], 2.5), new ReportColumn(t["Evaluation.Ground"], 3), new ReportColumn(t["Evaluation.Reason"], 4)],
                rejections.Select(x => (IReadOnlyList<string?>)[x.Firm, t.Item(x.x.ItemCode, x.x.ItemName), t[$"RejectionGround.{x.x.Ground}"], x.x.Reason]).ToList());

        var scored = c.Bids.Where(b => !b.Rejected).ToList();
        r.Heading(c.Method == EvaluationMethod.ComprehensiveScoring ? t["Evaluation.Report.Scores"] : t["Evaluation.Report.Adjustments"]);
        r.Table([new ReportColumn(t["Evaluation.SeatColumn"], 1), .. scored.Select(b => new ReportColumn(b.Firm, 2, ColumnAlign.Right))],
            c.Seats.Select(s => (IReadOnlyList<string?>)[Seat(s.Number), .. scored.Select(b => c.Marks.FirstOrDefault(m => m.Seat == s.Number && m.BidId == b.BidId) is { } m
                ? (c.Method == EvaluationMethod.ComprehensiveScoring ? m.Value.ToString("0.00", CultureInfo.InvariantCulture) : t.Yuan((long)m.Value)) : "")]).ToList());

        r.Heading(t["Evaluation.Report.Deviations"]);
        if (c.Flags.Count == 0) r.Paragraph(t["Evaluation.Report.NoDeviations"]);
        else
            r.Table([new ReportColumn(t["Evaluation.SeatColumn"], 1), new ReportColumn(t["Evaluation.Firm"], 2.5), new ReportColumn(t["Evaluation.Item"], 1.5),
                    new ReportColumn(t["Evaluation.Mark"], 1, ColumnAlign.Right), new ReportColumn(t["Evaluation.Mean"], 1, ColumnAlign.Right), new ReportColumn(t["Evaluation.Reason"], 4)],
                c.Flags.Select(f => (IReadOnlyList<string?>)[Seat(f.Seat), Firm(f.BidId), t.Item(f.ItemCode, f.ItemName), f.Value.ToString("0.##", CultureInfo.InvariantCulture),
                    f.Mean.ToString("0.##", CultureInfo.InvariantCulture), f.Reason]).ToList());

        r.Heading(t["Evaluation.Report.Ranking"]);
        r.Table([new ReportColumn(t["Evaluation.Rank"], 0.8, ColumnAlign.Center), new ReportColumn(t["Evaluation.Firm"], 3), new ReportColumn(t["Evaluation.Price"], 1.5, ColumnAlign.Right),
                new ReportColumn(c.Method == EvaluationMethod.ComprehensiveScoring ? t["Evaluation.FinalScore"] : t["Evaluation.EvaluatedPrice"], 1.5, ColumnAlign.Right),
                new ReportColumn(t["Evaluation.Candidate"], 1.2, ColumnAlign.Center)],
            c.Ranking.Select(x => (IReadOnlyList<string?>)[x.Rank.ToString(CultureInfo.InvariantCulture), x.Firm, t.Yuan(x.PriceFen),
                x.FinalScore is { } f ? f.ToString("0.00", CultureInfo.InvariantCulture) : x.EvaluatedPriceFen is { } e ? t.Yuan(e) : "",
                x.Candidate ? t["Evaluation.CandidateN", x.Rank] : ""]).ToList());

        var dissents = signatures.Where(s => s.Signature.Dissent is not null).ToList();
        r.Heading(t["Evaluation.Report.Dissent"]);
        if (dissents.Count == 0) r.Paragraph(t["Evaluation.Report.NoDissent"]);
        else r.Table([new ReportColumn(t["Evaluation.SeatColumn"], 1), new ReportColumn(t["Evaluation.Dissent"], 6)],
            dissents.Select(d => (IReadOnlyList<string?>)[Seat(d.Seat), d.Signature.Dissent]).ToList());

        r.Heading(t["Evaluation.Report.Signatures"]);
        r.Paragraph(t["Evaluation.Report.SignatureNote"]);
        r.Paragraph(t["Evaluation.Report.MemberSignatureNote", MemberSignatures.Attachment, MemberSignatures.ContentAttachment]);
        r.Table([new ReportColumn(t["Evaluation.SeatColumn"], 1), new ReportColumn(t["Evaluation.Report.Act"], 1.5), new ReportColumn(t["Evaluation.Report.Reauth"], 1.5),
                new ReportColumn(t["Evaluation.Report.SignedAt"], 2), new ReportColumn(t["Evaluation.Report.LogIndex"], 1, ColumnAlign.Right), new ReportColumn(t["Evaluation.Report.ContentHash"], 4),
                new ReportColumn(t["Evaluation.Report.MemberCertificate"], 2.5)],
            signatures.OrderBy(s => s.Seat).Select(s => (IReadOnlyList<string?>)[Seat(s.Seat), s.Signature.Dissent is null ? t["Evaluation.Signed"] : t["Evaluation.DissentRecorded"],
                t[$"Evaluation.Reauth.{s.Signature.Reauthentication}"], t.Time(s.Signature.At), s.Signature.LogIndex.ToString(CultureInfo.InvariantCulture), s.Signature.ContentSha256,
                s.Signature.MemberCertificate is { } cert ? "SHA-256 " + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(cert))[..16] : t["Evaluation.Report.NoMemberSignature"]]).ToList());

        // The machine-readable part, under the seal: the content every statement names, and each member's statement,
        // signature and certificate (`trading verify-pdf` checks them against each other and the CA).
        r.Attach(MemberSignatures.ContentAttachment, c.ToBytes());
        r.Attach(MemberSignatures.Attachment, MemberSignatures.Write(hash, signatures
            .Where(s => s.Signature is { MemberStatement: not null, MemberSignature: not null, MemberCertificate: not null })
            .Select(s => new MemberSignatureRecord(s.Seat, s.Pseudonym, s.Signature.MemberStatement!, s.Signature.MemberSignature!, s.Signature.MemberCertificate!, s.Signature.LogIndex))));
        return r;
    }
}
