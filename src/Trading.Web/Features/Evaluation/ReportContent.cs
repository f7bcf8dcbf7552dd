using System.Security.Cryptography;
using System.Text.Json;
using Trading.Domain;
using Trading.Domain.Evaluation;
using Trading.Domain.Experts;

namespace Trading.Web.Features.Evaluation;

public sealed record ReportSeat(int Number, string Pseudonym, bool Chair);
public sealed record ReportReview(string ItemCode, string ItemName, ReviewKind Kind, bool Passed, RejectionGround? Ground, string? Reason);
public sealed record ReportBid(Guid BidId, string Firm, long PriceFen, bool Rejected, IReadOnlyList<ReportReview> Review);
/// <summary>One seat's result for one bid: its total points (综合评估法) or its summed adjustment in fen (经评审的最低投标价法).</summary>
public sealed record ReportMark(int Seat, Guid BidId, decimal Value);
public sealed record ReportFlag(int Seat, Guid BidId, string ItemCode, string ItemName, decimal Value, decimal Mean, string Reason);
public sealed record ReportRank(int Rank, Guid BidId, string Firm, long PriceFen, decimal? FinalScore, long? EvaluatedPriceFen, bool Candidate);

/// <summary>
/// What the members sign: the evaluation report's content, fixed once every sheet is committed and every flagged mark
/// explained. Its hash (<see cref="Sha256"/>) is in every signature, so a member signs exactly the report the PDF shows.
/// Seats appear by number and pseudonym, never by name (the owner receives it before the award).
/// </summary>
public sealed record ReportContent(
    string TenderCode, string TenderTitle, int LotNumber, string LotName, string DrawId, string Room, DateTime StartsAt, DateTime EndsAt,
    EvaluationMethod Method, IReadOnlyList<ReportSeat> Seats, IReadOnlyList<ReportBid> Bids, IReadOnlyList<ReportMark> Marks,
    IReadOnlyList<ReportFlag> Flags, IReadOnlyList<ReportRank> Ranking)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Sha256() => Convert.ToHexStringLower(SHA256.HashData(ToBytes()));

    /// <summary>The bytes <see cref="Sha256"/> hashes: what the report PDF attaches for anyone to check the members' statements against.</summary>
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static ReportContent Build(EvaluationSession session, Tender tender, Lot lot, ScoringScheme scheme, IReadOnlyList<SeatView> seats, Guid? chairId,
        IReadOnlyList<EvaluatedBid> bids, IReadOnlyList<ReviewDecision> review, IReadOnlyList<RevealedSheet> sheets, IReadOnlyList<FlaggedMark> flags,
        IReadOnlyList<RankedBid> ranking)
    {
        int SeatOf(Guid member) => seats.First(s => s.MemberId == member).Number;
        var items = scheme.ReviewItems;
        var reportBids = bids.Select(b => new ReportBid(b.BidId, b.FirmName, b.PriceFen, b.Rejected,
            items.Select(i => review.First(r => r.BidId == b.BidId && r.ItemCode == i.Code))
                .Select(r => new ReportReview(r.ItemCode, items.First(i => i.Code == r.ItemCode).Name, items.First(i => i.Code == r.ItemCode).Kind, r.Passed, r.Ground, r.Reason))
                .ToList())).ToList();
        var marks = new List<ReportMark>();
        foreach (var s in sheets)
            foreach (var b in bids.Where(b => !b.Rejected))
            {
                var value = scheme.Method == EvaluationMethod.ComprehensiveScoring
                    ? ranking.First(r => r.BidId == b.BidId).MemberTotals[s.MemberId]
                    : s.Sheet.Adjustments.Where(a => a.BidId == b.BidId).Sum(a => (decimal)a.Fen);
                marks.Add(new ReportMark(SeatOf(s.MemberId), b.BidId, value));
            }
        return new ReportContent(tender.Code, tender.Title, lot.Number, lot.Name, session.DrawId, session.EvaluationRoom, session.StartsAt, session.EndsAt,
            scheme.Method, seats.Select(s => new ReportSeat(s.Number, s.Pseudonym, s.MemberId == chairId)).ToList(), reportBids,
            marks.OrderBy(m => m.Seat).ThenBy(m => m.BidId).ToList(),
            flags.Select(f => new ReportFlag(SeatOf(f.Deviation.MemberId), f.Deviation.BidId, f.Deviation.ItemCode, scheme.NameOf(f.Deviation.ItemCode) ?? f.Deviation.ItemCode, f.Deviation.Value, f.Deviation.Mean, f.Reason ?? ""))
                .OrderBy(f => f.Seat).ThenBy(f => f.BidId).ThenBy(f => f.ItemCode, StringComparer.Ordinal).ToList(),
            ranking.Select(r => new ReportRank(r.Rank, r.BidId, bids.First(b => b.BidId == r.BidId).FirmName, r.PriceFen, r.FinalScore, r.EvaluatedPriceFen, r.Candidate)).ToList());
    }
}
