using System.Globalization;
using Trading.Domain;
using Trading.Domain.Award;
using Trading.Reports;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Award;

/// <summary>
/// The award notice (中标通知书) to the winner and the result notice (中标结果通知书) to each other bidder of the lot, in
/// Chinese (the language of the record), with the awarded price also in capitals (人民币大写).
/// </summary>
public sealed class AwardNoticePdf(Texts t, Certificates.DocumentSeal seal)
{
    public byte[] Render(NoticeKind kind, Tender tender, Lot lot, LotAward award, AwardBid to, DateTime issuedAt)
    {
        return InCulture.Run(InCulture.Chinese, () =>
        {
            var title = kind == NoticeKind.Award ? t["Award.Pdf.AwardTitle"] : t["Award.Pdf.ResultTitle"];
            var r = new Report(new ReportOptions
            {
                Clock = seal.Clock,
                Culture = "zh-CN", Title = title, Subtitle = $"{tender.Code} {tender.Title} · {t["Award.Lot", lot.Number, lot.Name]}",
                Footer = t["Award.Pdf.Footer", t.Time(issuedAt)], Author = t["Award.Pdf.Author"], Seal = seal.For(title),
            });
            r.Paragraph(t["Award.Pdf.To", to.Firm]);
            r.Paragraph(kind == NoticeKind.Award
                ? t["Award.Pdf.AwardBody", tender.Code, tender.Title, lot.Number, lot.Name]
                : t["Award.Pdf.ResultBody", tender.Code, tender.Title, lot.Number, lot.Name]);
            r.KeyValues(
                (t["Award.Winner"], award.WinnerName),
                (t["Award.Price"], t.Yuan(award.PriceFen)),
                (t["Award.PriceCapitals"], ChineseAmount.FromFen(award.PriceFen)),
                (t["Award.Duration"], award.DurationDays is { } d ? t["Award.Days", d] : "—"),
                (t["Award.AwardedAt"], t.Time(award.AwardedAt)),
                (t["Award.Pdf.YourPrice"], to.PriceFen is { } p ? t.Yuan(p) : "—"));
            if (award.Reason is not null)
                r.KeyValues((t["Award.Reason"], award.Reason));
            r.Paragraph(kind == NoticeKind.Award ? t["Award.Pdf.AwardClosing", 30] : t["Award.Pdf.ResultClosing"]);
            return r.Render();
        });
    }
}
