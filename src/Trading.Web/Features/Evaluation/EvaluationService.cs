using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Bidding;
using Trading.Domain.CheckIn;
using Trading.Domain.Evaluation;
using Trading.Domain.Experts;
using Trading.Web.Features.Notifications;
using Trading.Web.Features.Tenders;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Evaluation;

/// <summary>An opened bid the committee evaluates, with its computed price score (comprehensive scoring) among the bids not rejected.</summary>
public sealed record EvaluatedBid(Guid BidId, string FirmName, long PriceFen, decimal? PriceScore, bool AbnormallyLow, bool Rejected, bool HasPackage, string? AttachmentsJson);

/// <summary>A revealed sheet, by the seat's pseudonym: the committee sees marks, never names.</summary>
public sealed record RevealedSheet(Guid MemberId, string Pseudonym, string Commitment, ScoreSheetContent Sheet);

/// <summary>A flagged mark and its reason, if the member has given one.</summary>
public sealed record FlaggedMark(Deviation Deviation, string Pseudonym, string? Reason);

/// <summary>A seat of the committee as the room shows it: a number, never a name.</summary>
public sealed record SeatView(Guid MemberId, int Number, string Pseudonym, bool Me, bool Voted, int Votes, bool Committed, ReportSignature? Signature);

/// <summary>What one member sees in the evaluation room now.</summary>
public sealed record RoomView(
    EvaluationSession Session, Tender Tender, Lot Lot, ScoringScheme Scheme, Guid MemberId, string Pseudonym,
    IReadOnlyList<SeatView> Seats, Guid? ChairId, IReadOnlyList<EvaluatedBid> Opened, IReadOnlyList<ReviewDecision> Review, int ReviewMissing,
    IReadOnlyList<EvaluatedBid> Bids, ScoreSheet? MySheet, int Committed, int Serving,
    IReadOnlyList<RevealedSheet>? Sheets, IReadOnlyList<FlaggedMark>? Flags, IReadOnlyList<RankedBid>? Ranking,
    ReportContent? Content, EvaluationReport? Report)
{
    public bool IAmChair => ChairId == MemberId;
    public SeatView Me => Seats.First(s => s.Me);
    public int SeatOf(Guid memberId) => Seats.FirstOrDefault(s => s.MemberId == memberId)?.Number ?? 0;
}

/// <summary>
/// A member's own signature as the room's form posts it: the PKCS#10 request for the one-signing key their browser made,
/// the canonical statement (<see cref="Trading.PublicLog.MemberStatement"/>) and its signature (r || s).
/// </summary>
public sealed record MemberSigning(string? RequestPem, byte[]? Statement, byte[]? Signature)
{
    /// <summary>From the form's fields (statement and signature in base64); an unreadable field is missing.</summary>
    public static MemberSigning FromForm(string? request, string? statement, string? signature) => new(request, Base64(statement), Base64(signature));

    private static byte[]? Base64(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        try { return Convert.FromBase64String(text); }
        catch (FormatException) { return null; }
    }
}

/// <summary>One review conclusion as the chair gives it for a bid.</summary>
public sealed record ReviewInput(string ItemCode, bool Passed, RejectionGround? Ground, string? Reason);

/// <summary>
/// The evaluation room (评标, step 12) and the report (step 13): only for a seated member of the session's committee
/// who checked in for it, inside the session window. The committee elects its chair; the chair records the
/// preliminary review, rejections citing their art. 51 ground; each member commits their own sheet (its hash goes to
/// the public log), sees the others' only when every seat has committed, explains each flagged mark; then each member
/// signs the report or records dissent after re-authenticating, and the last signature issues the PDF and moves the
/// tender to step 13.
/// </summary>
public sealed class EvaluationService(
    TradingDbContext db, PublicLogWriter log, CentreTime time, TenderMoves moves, IFileStore files, UserManager<AppUser> users,
    Notifier notifier, EvaluationReportPdf pdf, Account.SignInThrottle throttle, Certificates.CertificateAuthority authority, Certificates.SealStamps stamps)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<RoomView> RoomAsync(Actor actor, Guid sessionId, CancellationToken ct)
    {
        var (session, member, tender, scheme) = await EnterAsync(actor, sessionId, ct);
        return await ViewAsync(session, member, tender, scheme, ct);
    }

    private async Task<RoomView> ViewAsync(EvaluationSession session, CommitteeMember member, Tender tender, ScoringScheme scheme, CancellationToken ct)
    {
        var sessionId = session.Id;
        var serving = (await db.Set<CommitteeMember>().AsNoTracking().Where(m => m.SessionId == sessionId).ToListAsync(ct))
            .Where(m => m.Serving).OrderBy(m => m.Pseudonym, StringComparer.Ordinal).ToList();
        var votes = await db.Set<ChairVote>().AsNoTracking().Where(v => v.SessionId == sessionId).ToListAsync(ct);
        var review = await db.Set<ReviewDecision>().AsNoTracking().Where(r => r.SessionId == sessionId).ToListAsync(ct);
        var sheets = await db.Set<ScoreSheet>().AsNoTracking().Where(s => s.SessionId == sessionId).ToListAsync(ct);
        var signatures = await db.Set<ReportSignature>().AsNoTracking().Where(s => s.SessionId == sessionId).ToListAsync(ct);
        var report = await db.Set<EvaluationReport>().AsNoTracking().FirstOrDefaultAsync(r => r.SessionId == sessionId, ct);
        var seats = serving.Select((m, i) => new SeatView(m.Id, i + 1, m.Pseudonym, m.Id == member.Id, votes.Any(v => v.VoterMemberId == m.Id),
            votes.Count(v => v.CandidateMemberId == m.Id), sheets.Any(s => s.MemberId == m.Id), signatures.FirstOrDefault(s => s.MemberId == m.Id))).ToList();
        var chair = Committee.Chair(votes, serving.Count);
        var lot = tender.Lots.First(l => l.Id == session.LotId);

        var opened = await OpenedAsync(session, ct);
        var rejected = Committee.Rejected(review);
        var missing = Committee.ReviewMissing(scheme, opened.Select(o => o.Id).ToList(), review);
        var valid = opened.Where(o => !rejected.Contains(o.Id)).Select(o => new ValidBid(o.Id, o.Price)).ToList();
        var prices = scheme.Method == EvaluationMethod.ComprehensiveScoring ? Scoring.PriceScores(scheme, valid) : new Dictionary<Guid, decimal>();
        var low = Scoring.AbnormallyLow(scheme, valid).ToHashSet();
        var all = opened.Select(o => new EvaluatedBid(o.Id, o.Name, o.Price, prices.TryGetValue(o.Id, out var p) ? p : null, low.Contains(o.Id),
            rejected.Contains(o.Id), o.Package, o.Attachments)).ToList();
        var bids = all.Where(b => !b.Rejected).ToList();

        var mine = sheets.FirstOrDefault(s => s.MemberId == member.Id);
        var committed = sheets.Count(s => serving.Any(m => m.Id == s.MemberId));
        var allIn = serving.Count > 0 && committed == serving.Count;
        if (!allIn)
            return new RoomView(session, tender, lot, scheme, member.Id, member.Pseudonym, seats, chair, all, review, missing, bids, mine, committed, serving.Count,
                null, null, null, null, report);

        var revealed = Reveal(sheets, serving);
        var flags = await FlagsAsync(sessionId, scheme, revealed, ct);
        IReadOnlyList<RankedBid>? ranking = null;
        ReportContent? content = null;
        if (flags.All(f => f.Reason is not null))
        {
            ranking = Scoring.Rank(scheme, valid, revealed.Select(r => r.Sheet).ToList());
            content = ReportContent.Build(session, tender, lot, scheme, seats, chair, all, review, revealed, flags, ranking);
        }
        return new RoomView(session, tender, lot, scheme, member.Id, member.Pseudonym, seats, chair, all, review, missing, bids, mine, committed, serving.Count,
            revealed, flags, ranking, content, report);
    }

    /// <summary>The caller's vote for the chair (组长); one per seat. The first act in the room starts step 12.</summary>
    public async Task VoteAsync(Actor actor, Guid sessionId, Guid candidateMemberId, CancellationToken ct)
    {
        var (session, member, tender, _) = await EnterAsync(actor, sessionId, ct);
        var candidate = await db.Set<CommitteeMember>().AsNoTracking().FirstOrDefaultAsync(m => m.Id == candidateMemberId && m.SessionId == sessionId, ct);
        if (candidate is null || !candidate.Serving) throw Refuse(EvaluationRules.NoSuchSeat);
        try
        {
            await log.ActAsync(async () =>
            {
                if (await db.Set<ChairVote>().AnyAsync(v => v.SessionId == sessionId && v.VoterMemberId == member.Id, ct))
                    throw Refuse(EvaluationRules.AlreadyVoted);
                db.Add(new ChairVote { SessionId = sessionId, VoterMemberId = member.Id, CandidateMemberId = candidate.Id, At = time.UtcNow });
                await log.AppendAsync("evaluation.chair.vote", tender.Id, new { draw = session.DrawId, seat = member.Pseudonym, candidate = candidate.Pseudonym }, ct);
                await db.SaveChangesAsync(ct);
                await moves.AdvanceAsync(tender.Id, actor, ct);
            }, ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            throw Refuse(EvaluationRules.AlreadyVoted);
        }
    }

    /// <summary>
    /// The chair records the committee's preliminary review of one bid, every item at once: pass, or fail with the
    /// art. 51 ground and the reason (a failed item rejects the bid). All or nothing; decided once.
    /// </summary>
    public async Task ReviewAsync(Actor actor, Guid sessionId, Guid bidId, IReadOnlyList<ReviewInput> items, CancellationToken ct)
    {
        var (session, member, tender, scheme) = await EnterAsync(actor, sessionId, ct);
        var room = await ViewAsync(session, member, tender, scheme, ct);
        if (room.ChairId is null) throw Refuse(EvaluationRules.ChairNotElected);
        if (!room.IAmChair) throw Refuse(EvaluationRules.NotChair);
        var openedIds = room.Opened.Select(b => b.BidId).ToList();
        var errors = new List<RuleViolation>();
        foreach (var i in items)
            if (Committee.CheckDecision(scheme, openedIds, bidId, i.ItemCode, i.Passed, i.Ground, i.Reason) is { } v) errors.Add(v);
        // Every item exactly once: the count of those missing or given twice, in one refusal.
        var unsettled = scheme.ReviewItems.Count(r => items.Count(i => i.ItemCode == r.Code) != 1);
        if (unsettled > 0) errors.Add(new RuleViolation(EvaluationRules.ReviewIncomplete, unsettled));
        // A record's array argument compares by reference, so identical refusals are told apart by their text.
        if (errors.Count > 0) throw new RuleViolationsException(errors.DistinctBy(v => v.ToString()).ToList());
        if (room.Review.Any(r => r.BidId == bidId)) throw Refuse(EvaluationRules.ReviewDecided);
        try
        {
            await log.ActAsync(async () =>
            {
                foreach (var i in items)
                    db.Add(new ReviewDecision
                    {
                        SessionId = sessionId, BidId = bidId, ItemCode = i.ItemCode, Passed = i.Passed, Ground = i.Passed ? null : i.Ground,
                        Reason = string.IsNullOrWhiteSpace(i.Reason) ? null : i.Reason.Trim(), RecordedByMemberId = member.Id, At = time.UtcNow,
                    });
                var failed = items.Where(i => !i.Passed).ToList();
                await log.AppendAsync("evaluation.review", tender.Id, new
                {
                    draw = session.DrawId, chair = member.Pseudonym, bid = bidId, rejected = failed.Count > 0,
                    grounds = failed.Select(f => (int)f.Ground!.Value).Distinct().Order().ToArray(),
                    reasons = Sha(string.Join("\n", items.OrderBy(i => i.ItemCode, StringComparer.Ordinal).Select(i => i.ItemCode + " " + (i.Reason?.Trim() ?? "")))),
                }, ct);
            }, ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            throw Refuse(EvaluationRules.ReviewDecided);
        }
    }

    /// <summary>
    /// Commits the caller's own sheet: checked against the scheme and the bids that passed the review, stored with a
    /// fresh nonce, its commitment in the log, all in one transaction. A second sheet from the same seat is refused.
    /// </summary>
    public async Task<ScoreSheet> CommitAsync(Actor actor, Guid sessionId, ScoreSheetContent sheet, CancellationToken ct)
    {
        var (session, member, tender, scheme) = await EnterAsync(actor, sessionId, ct);
        if (sheet.MemberId != member.Id)
            throw Refuse(EvaluationRules.NotYourSheet);
        if (await db.Set<ScoreSheet>().AnyAsync(s => s.SessionId == sessionId && s.MemberId == member.Id, ct))
            throw Refuse(EvaluationRules.SheetCommitted);
        var room = await ViewAsync(session, member, tender, scheme, ct);
        if (room.ReviewMissing > 0) throw Refuse(EvaluationRules.ReviewIncomplete, room.ReviewMissing);
        if (room.Bids.Count == 0) throw Refuse(EvaluationRules.NoValidBids);
        var errors = Scoring.CheckSheet(scheme, room.Bids.Select(b => new ValidBid(b.BidId, b.PriceFen)).ToList(), sheet);
        if (errors.Count > 0) throw new RuleViolationsException(errors);

        var nonce = ScoreSheetContent.NewNonce();
        var row = new ScoreSheet
        {
            SessionId = sessionId, MemberId = member.Id, SheetJson = JsonSerializer.Serialize(sheet, Json), Nonce = nonce,
            Commitment = sheet.Commitment(nonce), CommittedAt = time.UtcNow,
        };
        try
        {
            await log.ActAsync(async () =>
            {
                db.Add(row);
                var entry = await log.AppendAsync("evaluation.sheet.committed", tender.Id, new { draw = session.DrawId, seat = member.Pseudonym, commitment = row.Commitment }, ct);
                row.LogIndex = entry.Index;
                await db.SaveChangesAsync(ct);
                await moves.AdvanceAsync(tender.Id, actor, ct);
                // Only the sheet that completes the committee can make the report signable: the others read no room view.
                if (room.Committed + 1 == room.Serving) await TellSignersAsync(session, member, tender, scheme, ct);
            }, ct);
        }
        catch (DbUpdateException)
        {
            // The same seat submitted twice at once: the unique index kept the first.
            db.ChangeTracker.Clear();
            throw Refuse(EvaluationRules.SheetCommitted);
        }
        return row;
    }

    /// <summary>
    /// Once the report can be signed (every seat's sheet in, every flagged mark explained), each member who has not signed
    /// is told, once. Runs inside the act that made it so, after its save, so the view reads the act's own rows and the
    /// notices commit with the act (<see cref="PublicLogWriter.ActAsync{T}"/> saves them).
    /// </summary>
    private async Task TellSignersAsync(EvaluationSession session, CommitteeMember member, Tender tender, ScoringScheme scheme, CancellationToken ct)
    {
        var room = await ViewAsync(session, member, tender, scheme, ct);
        if (room.Content is null || room.Report is not null) return;
        var unsigned = room.Seats.Where(s => s.Signature is null).Select(s => s.MemberId).ToList();
        var users = await (from m in db.Set<CommitteeMember>() join e in db.Set<PoolExpert>() on m.ExpertId equals e.Id where unsigned.Contains(m.Id) select e.UserId).ToListAsync(ct);
        await notifier.RaiseOnceAsync(users, u => new Notice(u, "evaluation.sign", "Evaluation.Notice.SignSubject", "Evaluation.Notice.SignBody",
            [tender.Code, session.EvaluationRoom], $"/Evaluation/Room/{session.Id}", tender.Id), ct);
    }

    /// <summary>The committee's sheets, only once every seat has committed (a member reads them in the room).</summary>
    public async Task<IReadOnlyList<RevealedSheet>> SheetsAsync(Actor actor, Guid sessionId, CancellationToken ct)
    {
        var room = await RoomAsync(actor, sessionId, ct);
        return room.Sheets ?? throw Refuse(EvaluationRules.NotAllCommitted, room.Committed, room.Serving);
    }

    /// <summary>The caller's written reason for one of their own flagged marks; logged (its hash, not its text).</summary>
    public async Task ExplainAsync(Actor actor, Guid sessionId, Guid bidId, string itemCode, string? reason, CancellationToken ct)
    {
        var (session, member, tender, scheme) = await EnterAsync(actor, sessionId, ct);
        var room = await ViewAsync(session, member, tender, scheme, ct);
        if (room.Flags is null) throw Refuse(EvaluationRules.NotAllCommitted, room.Committed, room.Serving);
        var text = reason?.Trim() ?? "";
        if (text.Length is < Committee.MinReasonLength or > Committee.MaxReasonLength) throw Refuse(EvaluationRules.ReasonLength, Committee.MinReasonLength, Committee.MaxReasonLength);
        var flag = room.Flags.FirstOrDefault(f => f.Deviation.MemberId == room.MemberId && f.Deviation.BidId == bidId && f.Deviation.ItemCode == itemCode)
            ?? throw Refuse(EvaluationRules.NoSuchDeviation);
        if (flag.Reason is not null) throw Refuse(EvaluationRules.ReasonGiven);
        db.Add(new DeviationReason { SessionId = sessionId, MemberId = room.MemberId, BidId = bidId, ItemCode = itemCode, Reason = text, At = time.UtcNow });
        try
        {
            await log.ActAsync(async () =>
            {
                await log.AppendAsync("evaluation.deviation.explained", room.Tender.Id, new { draw = room.Session.DrawId, seat = room.Pseudonym, item = itemCode, reason = Sha(text) }, ct);
                await db.SaveChangesAsync(ct);
                await TellSignersAsync(session, member, tender, scheme, ct);
            }, ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            throw Refuse(EvaluationRules.ReasonGiven);
        }
    }

    /// <summary>The ranking, refused until every seat has committed and every flagged mark has its reason.</summary>
    public async Task<IReadOnlyList<RankedBid>> ResultsAsync(Actor actor, Guid sessionId, CancellationToken ct)
    {
        var room = await RoomAsync(actor, sessionId, ct);
        if (room.Flags is null) throw Refuse(EvaluationRules.NotAllCommitted, room.Committed, room.Serving);
        return room.Ranking ?? throw Refuse(EvaluationRules.DeviationReasonMissing, room.Flags.Count(f => f.Reason is null));
    }

    /// <summary>
    /// The caller signs the report, or records dissent (<paramref name="dissent"/> not null), after re-entering their
    /// password (or, with two-factor sign-in on, a fresh authenticator code), and with their own signature
    /// (<paramref name="signing"/>): the centre's CA certifies the one-signing key their browser made (subject: the seat's
    /// pseudonym and the session), and the statement must name this report's content hash, this session, this seat and
    /// this dissent, and verify under that certificate's key; the certificate, statement and signature are kept with the
    /// row, in the same transaction as the row and its log entry. Under the log's lock the last serving seat to sign
    /// issues the report: the PDF with its signature rows and the members' signatures attached, its hash in the log, a
    /// notice to the owner side, and the tender's move to step 13; two last signatures at once make exactly one report.
    /// </summary>
    public async Task<ReportSignature> SignAsync(Actor actor, Guid sessionId, string? password, string? code, string? dissent, MemberSigning? signing, CancellationToken ct)
    {
        var (session, member, tender, scheme) = await EnterAsync(actor, sessionId, ct);
        var room = await ViewAsync(session, member, tender, scheme, ct);
        var missing = room.Flags?.Count(f => f.Reason is null) ?? 0;
        // A textarea posts CRLF line ends, the browser signs what the page reads (LF): the dissent is kept with LF.
        dissent = dissent?.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        if (Committee.CheckSignature(room.Committed, room.Serving, missing, room.Me.Signature is not null, dissent) is { } refusal) throw new RuleViolationException(refusal);
        var how = await ReauthenticateAsync(actor, password, code);
        var content = room.Content!;
        var (spki, statement) = CheckMemberSigning(signing, content.Sha256(), sessionId, member.Pseudonym, dissent);
        var keySha = Convert.ToHexStringLower(SHA256.HashData(spki));
        try
        {
            return await log.ActAsync(async () =>
            {
                await log.LockAsync(ct);
                var signed = await db.Set<ReportSignature>().Where(s => s.SessionId == sessionId).ToListAsync(ct);
                if (signed.Any(s => s.MemberId == member.Id)) throw Refuse(EvaluationRules.ReportSigned);
                // A key signs once: the same request and signature again (or the key for another seat) is a replay.
                if (await db.Set<ReportSignature>().AnyAsync(s => s.MemberKeySha256 == keySha, ct)) throw Refuse(EvaluationRules.MemberKeyReused);
                var now = time.UtcNow;
                var certificate = IssueMemberCertificate(spki, member.Pseudonym, sessionId, now);
                // Checked against the certificate just issued, not the request: the key the CA vouches for is the one that signed.
                if (Trading.PublicLog.MemberSignatures.Read(certificate) is not { } issued || !Trading.PublicLog.MemberSignatures.Verify(issued.Key, statement, signing!.Signature!))
                    throw Refuse(EvaluationRules.MemberSignatureInvalid);
                var row = new ReportSignature
                {
                    SessionId = sessionId, MemberId = member.Id, ContentSha256 = content.Sha256(), Dissent = dissent, Reauthentication = how, At = now,
                    MemberStatement = statement, MemberSignature = signing.Signature, MemberCertificate = certificate, MemberKeySha256 = keySha,
                };
                db.Add(row);
                var entry = await log.AppendAsync("evaluation.report.signed", tender.Id, new
                {
                    draw = session.DrawId, seat = member.Pseudonym, content = row.ContentSha256, dissent = row.Dissent is null ? null : Sha(row.Dissent), reauthentication = how,
                    member = new { key = keySha, certificate = Convert.ToHexStringLower(SHA256.HashData(certificate)), statement = Convert.ToHexStringLower(SHA256.HashData(statement)) },
                }, ct);
                row.LogIndex = entry.Index;
                await db.SaveChangesAsync(ct);
                signed.Add(row);
                if (room.Seats.All(s => signed.Any(x => x.MemberId == s.MemberId)))
                    await IssueAsync(actor, session, tender, content, room.Seats, signed, ct);
                return row;
            }, ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            throw Refuse(EvaluationRules.ReportSigned);
        }
    }

    /// <summary>
    /// The member's signing as posted, checked before anything is issued: a request whose signature proves the key
    /// (P-256, or SM2 where the centre has an SM2 CA), and a canonical statement for exactly this content, session, seat
    /// and dissent. Returns the key (SPKI) and the statement's bytes; each failure is refused with its own reason.
    /// </summary>
    private (byte[] Key, byte[] Statement) CheckMemberSigning(MemberSigning? signing, string contentSha256, Guid sessionId, string seat, string? dissent)
    {
        if (signing is not { RequestPem.Length: > 0, Statement: { } bytes, Signature: { } signature }) throw Refuse(EvaluationRules.MemberSignatureMissing);
        var spki = Trading.PublicLog.MemberSignatures.RequestKey(signing.RequestPem) ?? throw Refuse(EvaluationRules.MemberRequestInvalid);
        if (Trading.PublicLog.Sm2CertificateAuthority.IsSm2Key(spki) && authority.Sm2 is null) throw Refuse(Trading.Domain.Certificates.CertificateRules.Sm2NotOffered);
        var statement = Trading.PublicLog.MemberStatement.Parse(bytes) ?? throw Refuse(EvaluationRules.MemberStatementMalformed);
        if (signature.Length != 64) throw Refuse(EvaluationRules.MemberSignatureInvalid);
        if (statement.Content != contentSha256) throw Refuse(EvaluationRules.MemberStatementContent, contentSha256);
        if (statement.Session != sessionId) throw Refuse(EvaluationRules.MemberStatementSession);
        if (statement.Seat != seat) throw Refuse(EvaluationRules.MemberStatementSeat);
        if (statement.Dissent != dissent) throw Refuse(EvaluationRules.MemberStatementDissent);
        return (spki, bytes);
    }

    /// <summary>The member's certificate for this one signing (DER), by the centre's CA of the key's kind, valid for minutes from now.</summary>
    private byte[] IssueMemberCertificate(byte[] spki, string seat, Guid sessionId, DateTime now)
    {
        var serial = Trading.PublicLog.FirmCertificateAuthority.NewSerial();
        var sm2 = Trading.PublicLog.Sm2CertificateAuthority.IsSm2Key(spki) ? authority.Sm2 ?? throw Refuse(Trading.Domain.Certificates.CertificateRules.Sm2NotOffered) : null;
        var caFrom = new DateTimeOffset(DateTime.SpecifyKind((sm2 is null ? authority.Ca.Ca.NotBefore : sm2.Ca.NotBefore).ToUniversalTime(), DateTimeKind.Utc));
        // A certificate starts no earlier than its CA: a CA younger than the act (only the demo's played history) dates it from its own start.
        var from = new DateTimeOffset(DateTime.SpecifyKind(now, DateTimeKind.Utc)).AddMinutes(-1);
        if (from < caFrom) from = caFrom;
        var until = from.AddMinutes(1) + Trading.PublicLog.MemberSignatures.Validity;
        if (sm2 is not null) return sm2.IssueMember(spki, seat, sessionId, serial, from, until);
        var key = System.Security.Cryptography.X509Certificates.PublicKey.CreateFromSubjectPublicKeyInfo(spki, out _);
        using var cert = authority.Ca.IssueMember(key, seat, sessionId, serial, from, until);
        return cert.RawData;
    }

    private async Task IssueAsync(Actor actor, EvaluationSession session, Tender tender, ReportContent content, IReadOnlyList<SeatView> seats, List<ReportSignature> signed, CancellationToken ct)
    {
        var issuedAt = time.UtcNow;
        var bytes = pdf.Render(content, seats.Select(s => (s.Number, s.Pseudonym, signed.First(x => x.MemberId == s.MemberId))).ToList(), issuedAt);
        // The file is written before the commit; a rolled-back issue leaves an unreferenced file, never a report without one.
        await using var stream = new MemoryStream(bytes);
        var stored = await files.SaveAsync(stream, bytes.Length, ct);
        var report = new EvaluationReport
        {
            SessionId = session.Id, TenderId = tender.Id, ContentSha256 = content.Sha256(), PdfSha256 = stored.Sha256, StorageKey = stored.Key, IssuedAt = issuedAt,
        };
        db.Add(report);
        stamps.Track(Domain.Certificates.SealStamp.EvaluationReport, tender.Id, report.Id, bytes, stored, issuedAt);
        var entry = await log.AppendAsync("evaluation.report.issued", tender.Id, new
        {
            draw = session.DrawId, content = report.ContentSha256, pdf = report.PdfSha256,
            dissents = signed.Count(s => s.Dissent is not null), candidates = content.Ranking.Where(r => r.Candidate).Select(r => r.BidId).ToArray(),
        }, ct);
        report.LogIndex = entry.Index;
        var owners = await (from u in db.Users
                            join ur in db.UserRoles on u.Id equals ur.UserId
                            join r in db.Roles on ur.RoleId equals r.Id
                            where (u.OrganisationId == tender.OwnerOrganisationId || u.OrganisationId == tender.AgentOrganisationId)
                                  && (r.Name == Roles.Owner || r.Name == Roles.Agent)
                            select u.Id).Distinct().ToListAsync(ct);
        foreach (var id in owners)
            notifier.Raise(new Notice(id, "evaluation.report", "Evaluation.Notice.ReportSubject", "Evaluation.Notice.ReportBody", [tender.Code, tender.Title],
                $"/Evaluation/Report/{session.Id}", tender.Id));
        await db.SaveChangesAsync(ct);
        await moves.AdvanceAsync(tender.Id, actor, ct);
    }

    /// <summary>The issued report's PDF, for the committee, the tender's owner side, centre staff and supervisors.</summary>
    public async Task<(EvaluationReport Report, Tender Tender, Stream Pdf)> ReportAsync(Actor actor, Guid sessionId, CancellationToken ct)
    {
        var session = await db.Set<EvaluationSession>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == sessionId, ct) ?? throw new NotFoundException();
        var tender = await db.Tenders.AsNoTracking().FirstAsync(t => t.Id == session.TenderId, ct);
        var member = await (from m in db.Set<CommitteeMember>()
                            join e in db.Set<PoolExpert>() on m.ExpertId equals e.Id
                            where m.SessionId == sessionId && e.UserId == actor.UserId
                            select m.Id).AnyAsync(ct);
        if (!member && !actor.IsOwnerSideOf(tender) && !actor.IsIn(Roles.Supervisor, Roles.CentreStaff))
            throw new ForbiddenException(EvaluationRules.NotMember);
        var report = await db.Set<EvaluationReport>().AsNoTracking().FirstOrDefaultAsync(r => r.SessionId == sessionId, ct) ?? throw new NotFoundException();
        // Once the seal's late time-stamp has come (SealStamps), the stamped copy; the issued file stays as logged.
        return (report, tender, files.OpenRead((await stamps.StampedAsync(report.Id, ct))?.Key ?? report.StorageKey));
    }

    public Task<bool> IssuedAsync(Guid sessionId, CancellationToken ct) => db.Set<EvaluationReport>().AnyAsync(r => r.SessionId == sessionId, ct);

    /// <summary>The committee sessions the caller sits on (seat invited or accepted), newest first.</summary>
    public async Task<List<(EvaluationSession Session, Tender Tender, bool Reported)>> MySessionsAsync(Actor actor, CancellationToken ct)
    {
        var rows = await (from m in db.Set<CommitteeMember>().AsNoTracking()
                          join e in db.Set<PoolExpert>().AsNoTracking() on m.ExpertId equals e.Id
                          join s in db.Set<EvaluationSession>().AsNoTracking() on m.SessionId equals s.Id
                          join t in db.Tenders.AsNoTracking() on s.TenderId equals t.Id
                          where e.UserId == actor.UserId && s.VoidedAt == null && s.Phase == Trading.ExpertPool.DrawPhase.Drawn
                                && (m.Status == CommitteeMemberStatus.Invited || m.Status == CommitteeMemberStatus.Accepted)
                          select new { s, t, Reported = db.Set<EvaluationReport>().Any(r => r.SessionId == s.Id) }).ToListAsync(ct);
        return rows.OrderByDescending(r => r.s.StartsAt).Select(r => (r.s, r.t, r.Reported)).ToList();
    }

    /// <summary>A bid's opened package (the files of the bid) for a member in the room.</summary>
    public async Task<(string Name, Stream Content)> PackageAsync(Actor actor, Guid sessionId, Guid bidId, CancellationToken ct)
    {
        var room = await RoomAsync(actor, sessionId, ct);
        if (room.Opened.All(b => b.BidId != bidId)) throw new NotFoundException();
        var key = await db.Set<Bid>().AsNoTracking().Where(b => b.Id == bidId).Select(b => b.PackageStorageKey).FirstAsync(ct) ?? throw new NotFoundException();
        return ($"bid-{room.Tender.Code}-{bidId.ToString("N")[..8]}.zip", files.OpenRead(key));
    }

    private async Task<string> ReauthenticateAsync(Actor actor, string? password, string? code)
    {
        var user = await users.FindByIdAsync(actor.UserId.ToString()) ?? throw new ForbiddenException(RuleCodes.SignInRequired);
        var ip = System.Net.IPAddress.TryParse(actor.IpAddress, out var a) ? a : null;
        // The sign-in throttle counts a wrong re-entry like a wrong sign-in: signing is not a way round it.
        // Throttled, the signer is told so in the sign-in page's words (a correct password is not "wrong").
        if (!throttle.Allows(user.UserName ?? "", ip)) throw Refuse("Auth.Throttled");
        var digits = (code ?? "").Replace(" ", "", StringComparison.Ordinal);
        if (digits.Length > 0 && user.TwoFactorEnabled)
        {
            if (await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, digits)) return "totp";
        }
        else if (!string.IsNullOrEmpty(password) && await users.CheckPasswordAsync(user, password))
        {
            return "password";
        }
        throttle.Failed(user.UserName ?? "", ip);
        throw Refuse(EvaluationRules.ReauthenticationFailed);
    }

    private async Task<(EvaluationSession, CommitteeMember, Tender, ScoringScheme)> EnterAsync(Actor actor, Guid sessionId, CancellationToken ct)
    {
        var session = await db.Set<EvaluationSession>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == sessionId, ct) ?? throw new NotFoundException();
        // Anyone but a seated member learns nothing, not even that the session exists.
        var member = await (from m in db.Set<CommitteeMember>().AsNoTracking()
                            join e in db.Set<PoolExpert>().AsNoTracking() on m.ExpertId equals e.Id
                            where m.SessionId == sessionId && e.UserId == actor.UserId
                                  && (m.Status == CommitteeMemberStatus.Invited || m.Status == CommitteeMemberStatus.Accepted)
                            select m).FirstOrDefaultAsync(ct) ?? throw new ForbiddenException(EvaluationRules.NotMember);
        var now = time.UtcNow;
        if (session.VoidedAt is not null || now < session.StartsAt || now > session.EndsAt)
            throw Refuse(EvaluationRules.SessionClosed, time.Format(session.StartsAt), time.Format(session.EndsAt));
        var checkedIn = await db.Set<CheckInAttempt>().AsNoTracking().AnyAsync(a => a.SessionId == sessionId && a.ClaimedExpertId == member.ExpertId
            && (a.Decision == CheckInDecision.Accepted || a.Decision == CheckInDecision.Overridden), ct);
        if (!checkedIn) throw Refuse(EvaluationRules.NotCheckedIn, session.EvaluationRoom);
        var tender = await db.Tenders.AsNoTracking().Include(t => t.Lots).FirstAsync(t => t.Id == session.TenderId, ct);
        var scheme = ScoringScheme.FromJson(tender.ScoringSchemeJson) ?? ScoringScheme.Template(tender.EvaluationMethod);
        return (session, member, tender, scheme);
    }

    private sealed record OpenedRow(Guid Id, string Name, long Price, bool Package, string? Attachments);

    private async Task<List<OpenedRow>> OpenedAsync(EvaluationSession session, CancellationToken ct) =>
        (await (from b in db.Set<Bid>().AsNoTracking()
                join o in db.Organisations.AsNoTracking() on b.FirmId equals o.Id
                where b.TenderId == session.TenderId && b.LotId == session.LotId && b.Status == BidStatus.Valid
                      && b.OpeningStatus == BidOpeningStatus.Opened && b.PriceFen != null
                select new OpenedRow(b.Id, o.Name, b.PriceFen!.Value, b.PackageStorageKey != null, b.AttachmentsJson)).ToListAsync(ct))
        .OrderBy(r => r.Price).ThenBy(r => r.Id).ToList();

    /// <summary>
    /// The sheets in seat order, each checked against its commitment: a sheet changed in storage after it was committed
    /// no longer matches, and nothing is revealed or ranked from it.
    /// </summary>
    private static List<RevealedSheet> Reveal(List<ScoreSheet> sheets, List<CommitteeMember> serving) =>
        serving.Select(m => (m, s: sheets.First(s => s.MemberId == m.Id)))
            .Select(x =>
            {
                var content = JsonSerializer.Deserialize<ScoreSheetContent>(x.s.SheetJson, Json)!;
                if (content.MemberId != x.m.Id || content.Commitment(x.s.Nonce) != x.s.Commitment)
                    throw Refuse(EvaluationRules.SheetAltered, x.s.LogIndex);
                return new RevealedSheet(x.m.Id, x.m.Pseudonym, x.s.Commitment, content);
            })
            .OrderBy(r => r.Pseudonym, StringComparer.Ordinal).ToList();

    private async Task<List<FlaggedMark>> FlagsAsync(Guid sessionId, ScoringScheme scheme, List<RevealedSheet> sheets, CancellationToken ct)
    {
        var reasons = await db.Set<DeviationReason>().AsNoTracking().Where(r => r.SessionId == sessionId).ToListAsync(ct);
        return Scoring.Deviations(scheme, sheets.Select(s => s.Sheet).ToList())
            .Select(d => new FlaggedMark(d, sheets.First(s => s.MemberId == d.MemberId).Pseudonym,
                reasons.FirstOrDefault(r => r.MemberId == d.MemberId && r.BidId == d.BidId && r.ItemCode == d.ItemCode)?.Reason))
            .ToList();
    }

    private static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static RuleViolationException Refuse(string code, params object[] args) => new(new RuleViolation(code, args));
}
