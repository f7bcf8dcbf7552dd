using Trading.Domain;
using Trading.Domain.Bidding;
using Trading.Reports;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Submission;

/// <summary>
/// The opening record (开标记录) as a PDF in the current language, built with the shared report layout and sealed by the
/// centre: what the hall's page offers for download and what the tender's archive keeps.
/// </summary>
public sealed class OpeningRecordPdf(Texts T, CentreTime time, Certificates.DocumentSeal seal)
{
    public byte[] Render(Tender tender, KeyCeremony ceremony, IReadOnlyList<OpeningRow> rows)
    {
        var openedAt = ceremony.OpenedAt ?? throw new InvalidOperationException("The opening has not completed.");
        var culture = InCulture.Tag;
        // Landscape: eight columns with a price and its capitals must not wrap inside a figure.
        var r = new Report(new ReportOptions
        {
            Clock = seal.Clock,
            Culture = culture, Title = T["Bid.Opening.PdfTitle"], Subtitle = $"{tender.Code} {tender.Title}", Landscape = true, Seal = seal.For(T["Bid.Opening.PdfTitle"]),
            Footer = T["Bid.Opening.PdfFooter", time.Format(openedAt), ceremony.TranscriptSha256 ?? ""],
        });
        r.KeyValues((T["Tender.Deadline"], time.Format(tender.BidDeadline)), (T["Bid.Opening.OpenedAt"], time.Format(openedAt)),
            (T["Bid.KeyId"], ceremony.KeyIdHex), (T["Bid.Opening.Transcript"], ceremony.TranscriptSha256));
        r.Table(
        [
            new ReportColumn("#", 0.4, ColumnAlign.Right), new ReportColumn(T["Bid.Opening.Bidder"], 2.4), new ReportColumn(T["Bid.Form.Lot"], 0.6, ColumnAlign.Center),
            new ReportColumn(T["Bid.Form.Price"], 1.6, ColumnAlign.Right), new ReportColumn(T["Bid.Opening.PriceCapitals"], 2.4),
            new ReportColumn(T["Bid.Opening.Bond"], 1.7), new ReportColumn(T["Bid.Form.Duration"], 1.1, ColumnAlign.Right), new ReportColumn(T["Bid.Form.ProjectManager"], 1.1),
            new ReportColumn(T["Bid.Opening.Decryption"], 1.3), new ReportColumn(T["Bid.EnvelopeHash"], 1.8),
        ], rows.Select((row, i) => (IReadOnlyList<string?>)
        [
            (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), row.Firm, row.Lot.ToString(System.Globalization.CultureInfo.InvariantCulture),
            row.PriceFen is { } p ? T.Yuan(p) : "—",
            // Capitals in every language: the record is read out and signed in Chinese, and capitals cannot be altered by a stroke.
            row.PriceFen is { } pc and >= 0 and <= ChineseAmount.MaxFen ? "人民币" + ChineseAmount.FromFen(pc) : "—",
            // The bond the lot asks for and the account the bid names for it (the platform holds no bank record to check it against).
            row.BondAccountTail is { } tail ? T["Bid.Opening.BondPaidFrom", T.Yuan(row.BondFen), tail] : T["Bid.Opening.BondNoAccount", T.Yuan(row.BondFen)],
            row.DurationDays?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "—",
            row.ProjectManager ?? "—", T["Bid.Opening.Status." + (row.Status?.ToString() ?? "None")], row.EnvelopeSha256,
        ]).ToList());
        // Rows for the hand signatures of the record as printed for the file (开标记录签字): the host, the supervisor
        // and each bidder's representative, who confirms the row read out for it.
        r.Heading(T["Bid.Opening.Signatures"]);
        r.Table([new ReportColumn(T["Bid.Opening.SignRole"], 2.4), new ReportColumn(T["Bid.Opening.SignName"], 2), new ReportColumn(T["Bid.Opening.Signature"], 3), new ReportColumn(T["Bid.Opening.SignDate"], 1.6)],
            new[] { T["Bid.Opening.Host"], T["Bid.Opening.Supervisor"] }.Concat(rows.Select(row => T["Bid.Opening.BidderRep", row.Firm]))
                .Select(role => (IReadOnlyList<string?>)[role, "", "", ""]).ToList());
        return r.Render();
    }
}
