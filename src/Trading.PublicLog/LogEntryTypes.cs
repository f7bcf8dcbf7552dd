namespace Trading.PublicLog;

/// <summary>When an entry's content becomes readable by the public.</summary>
public enum LogReveal
{
    /// <summary>In the clear as soon as its transaction commits.</summary>
    AtOnce,
    /// <summary>
    /// A firm's act on a tender in its bidding period: a <c>sealed.act</c> commitment until the tender's deadline, when
    /// <c>sealed.reveal</c> opens it (Bidding Law art. 22: neither who nor how many before the deadline).
    /// </summary>
    AtDeadline,
    /// <summary>In the clear when the centre publishes records of its kind, else a <c>sealed.act</c> no tender opens.</summary>
    WhenPublished,
}

/// <summary>One kind of log entry: its type, when it is revealed, the fields of its <c>data</c> and what it records.</summary>
public sealed record LogEntryType(string Type, LogReveal Reveal, string Fields, string Meaning);

/// <summary>
/// Every entry type the platform writes to the public log, with its fields and when it is revealed: the one catalogue.
/// <c>LogCatalogueTests</c> (tests/Trading.Web.Tests) fails when the app writes a type that is not here, when a type here
/// is never written, and when docs/public-log.md ("What the log reveals, and when") does not cover a type or places it
/// in another column than <see cref="LogEntryType.Reveal"/> says. Personal data never goes in the clear: people and
/// bidding firms appear by pseudonym (<see cref="Pseudonymizer"/>). Field lists name the members of <c>data</c>; a change
/// to a kind's data bumps its schema version (<c>v</c>).
/// </summary>
public static class LogEntryTypes
{
    /// <summary>A user set their password with a one-time link.</summary>
    public const string AccountPasswordSet = "account.password.set";
    /// <summary>A user turned two-factor sign-in off (with password and current code).</summary>
    public const string AccountTwofactorDisabled = "account.twofactor.disabled";
    /// <summary>A user turned two-factor sign-in on.</summary>
    public const string AccountTwofactorEnabled = "account.twofactor.enabled";
    /// <summary>An administrator created an organisation (owner unit, agency, supervision office, pool).</summary>
    public const string AdminOrganisationCreated = "admin.organisation.created";
    /// <summary>An administrator created an account.</summary>
    public const string AdminUserCreated = "admin.user.created";
    /// <summary>An administrator deactivated an account (its sessions and tokens end at once).</summary>
    public const string AdminUserDeactivated = "admin.user.deactivated";
    /// <summary>An administrator reactivated an account.</summary>
    public const string AdminUserReactivated = "admin.user.reactivated";
    /// <summary>An administrator issued a one-time set-password link.</summary>
    public const string AdminUserResetIssued = "admin.user.reset.issued";
    /// <summary>An administrator changed an account's roles.</summary>
    public const string AdminUserRoles = "admin.user.roles";
    /// <summary>An owner engaged a tendering agency.</summary>
    public const string AgentEngaged = "agent.engaged";
    /// <summary>An owner ended an agency's engagement.</summary>
    public const string AgentEngagementEnded = "agent.engagement.ended";
    /// <summary>A bidder's bond refund was recorded (step 18).</summary>
    public const string AwardBondRefunded = "award.bond.refunded";
    /// <summary>The supervision office decided a complaint.</summary>
    public const string AwardComplaintDecided = "award.complaint.decided";
    /// <summary>A bidder lodged a complaint with the supervision office.</summary>
    public const string AwardComplaintLodged = "award.complaint.lodged";
    /// <summary>The contract's price or duration differs from the award (a warning to supervision).</summary>
    public const string AwardContractDiffers = "award.contract.differs";
    /// <summary>The signed contract was uploaded (step 17).</summary>
    public const string AwardContractSigned = "award.contract.signed";
    /// <summary>A lot was awarded (step 16).</summary>
    public const string AwardIssued = "award.issued";
    /// <summary>The award and result notices of a lot were issued as signed PDFs.</summary>
    public const string AwardNoticesIssued = "award.notices.issued";
    /// <summary>The owner answered an objection.</summary>
    public const string AwardObjectionAnswered = "award.objection.answered";
    /// <summary>A bidder raised an objection during publicity.</summary>
    public const string AwardObjectionRaised = "award.objection.raised";
    /// <summary>The owner published the candidates (step 14).</summary>
    public const string AwardPublicityPublished = "award.publicity.published";
    /// <summary>The supervision office resumed a tender suspended for a complaint.</summary>
    public const string AwardTenderResumed = "award.tender.resumed";
    /// <summary>The supervision office suspended a tender while it decides a complaint.</summary>
    public const string AwardTenderSuspended = "award.tender.suspended";
    /// <summary>A bid was refused at completion (reason code, firm by tender pseudonym).</summary>
    public const string BidRefused = "bid.refused";
    /// <summary>A sealed bid was received (hashes and length only; supersedes the bid it replaces).</summary>
    public const string BidSubmitted = "bid.submitted";
    /// <summary>A firm asked for a signing certificate, or registered one from a CA the centre trusts (external: its hash, serial, issuer); confirmed with the account's two-factor code.</summary>
    public const string CertificateRequested = "certificate.requested";
    /// <summary>The centre issued a firm's signing certificate, or accepted a registered one (external: true) (serial, fingerprint, key hash, validity).</summary>
    public const string CertificateIssued = "certificate.issued";
    /// <summary>The centre refused a firm's certificate request, with its reason.</summary>
    public const string CertificateRejected = "certificate.rejected";
    /// <summary>A firm certificate was revoked (by the centre or the firm), with its reason; the revocation list names it.</summary>
    public const string CertificateRevoked = "certificate.revoked";
    /// <summary>A bid was withdrawn before the deadline.</summary>
    public const string BidWithdrawn = "bid.withdrawn";
    /// <summary>At the deadline: the valid bids per lot (count, envelope hashes and points), art. 44 applied.</summary>
    public const string BidsFrozen = "bids.frozen";
    /// <summary>An officer acknowledged the shares dealt to it (signed with its transport key).</summary>
    public const string CeremonyAcknowledged = "ceremony.acknowledged";
    /// <summary>A complaint against a dealing was upheld, with the evidence anyone can check.</summary>
    public const string CeremonyComplaintUpheld = "ceremony.complaint.upheld";
    /// <summary>The key ceremony completed: the joint key and the verification keys.</summary>
    public const string CeremonyCompleted = "ceremony.completed";
    /// <summary>A holder dealt: Feldman commitments, Schnorr proof, shares encrypted to the officers.</summary>
    public const string CeremonyDealt = "ceremony.dealt";
    /// <summary>A holder missed its health check before the health-check deadline.</summary>
    public const string CeremonyHealthMissed = "ceremony.health.missed";
    /// <summary>A holder passed its health check (a partial over the canary, with its proof).</summary>
    public const string CeremonyHealthOk = "ceremony.health.ok";
    /// <summary>An officer re-encrypted its holder's shares to another officer of the holder.</summary>
    public const string CeremonySharesReencrypted = "ceremony.shares.reencrypted";
    /// <summary>The key ceremony started with the notice's publication.</summary>
    public const string CeremonyStarted = "ceremony.started";
    /// <summary>A face check-in attempt at the evaluation room, admitted or refused with its reason.</summary>
    public const string CheckinAttempt = "checkin.attempt";
    /// <summary>Centre staff approved a kiosk device.</summary>
    public const string CheckinDeviceApproved = "checkin.device.approved";
    /// <summary>A kiosk device asked to be registered.</summary>
    public const string CheckinDeviceRequested = "checkin.device.requested";
    /// <summary>Centre staff revoked a kiosk device.</summary>
    public const string CheckinDeviceRevoked = "checkin.device.revoked";
    /// <summary>An expert's face templates were enrolled (hashes and scores, never images).</summary>
    public const string CheckinEnrolled = "checkin.enrolled";
    /// <summary>A supervisor admitted or refused an expert against the face decision, with a reason.</summary>
    public const string CheckinOverridden = "checkin.overridden";
    /// <summary>An officer became effective for its holder organisation.</summary>
    public const string CustodyOfficerAdded = "custody.officer.added";
    /// <summary>An officer registered a transport key and waits to be added by an existing officer.</summary>
    public const string CustodyOfficerEnrolled = "custody.officer.enrolled";
    /// <summary>A supervisor removed an officer (never a holder's last).</summary>
    public const string CustodyOfficerRemoved = "custody.officer.removed";
    /// <summary>Centre staff moved the demo clock forward (demo data outside Production only).</summary>
    public const string DemoClockAdvanced = "demo.clock.advanced";
    /// <summary>A drawn expert accepted the seat (per-draw pseudonym).</summary>
    public const string DrawAccepted = "draw.accepted";
    /// <summary>The public beacon value of the named round was entered.</summary>
    public const string DrawBeacon = "draw.beacon";
    /// <summary>An office committed to its random value (the commitment hash).</summary>
    public const string DrawCommitment = "draw.commitment";
    /// <summary>The commitment window closed.</summary>
    public const string DrawCommitmentsClosed = "draw.commitments-closed";
    /// <summary>The seed and the committee (pseudonyms), computed from the published inputs.</summary>
    public const string DrawDrawn = "draw.drawn";
    /// <summary>The request hash and the eligible list hash, before any randomness.</summary>
    public const string DrawListCommitted = "draw.list-committed";
    /// <summary>A seat passed to the next on the reserve list, with the reason.</summary>
    public const string DrawReplaced = "draw.replaced";
    /// <summary>No reserve was left for a seat; the centre must act.</summary>
    public const string DrawReserveExhausted = "draw.reserve-exhausted";
    /// <summary>An office revealed its value.</summary>
    public const string DrawReveal = "draw.reveal";
    /// <summary>An office that committed did not reveal before the draw; it is left out.</summary>
    public const string DrawRevealMissing = "draw.reveal-missing";
    /// <summary>A supervisor voided the draw, with a reason.</summary>
    public const string DrawVoided = "draw.voided";
    /// <summary>A committee seat voted for the chair.</summary>
    public const string EvaluationChairVote = "evaluation.chair.vote";
    /// <summary>The chair asked a bidder for a clarification (the question's hash, the deadline).</summary>
    public const string EvaluationClarificationAsked = "evaluation.clarification.asked";
    /// <summary>The bidder answered a clarification (the answer's hash).</summary>
    public const string EvaluationClarificationAnswered = "evaluation.clarification.answered";
    /// <summary>A member explained a deviating mark (畸高畸低).</summary>
    public const string EvaluationDeviationExplained = "evaluation.deviation.explained";
    /// <summary>The evaluation report was issued (content and PDF hashes; step 13).</summary>
    public const string EvaluationReportIssued = "evaluation.report.issued";
    /// <summary>A member signed the report or recorded dissent, after re-authenticating, with their own signature under a one-signing certificate.</summary>
    public const string EvaluationReportSigned = "evaluation.report.signed";
    /// <summary>The chair recorded the preliminary review of a bid (rejections cite their grounds).</summary>
    public const string EvaluationReview = "evaluation.review";
    /// <summary>A member committed a score sheet (the commitment only, until all have committed).</summary>
    public const string EvaluationSheetCommitted = "evaluation.sheet.committed";
    /// <summary>Centre staff added an expert to the pool.</summary>
    public const string ExpertCreated = "expert.created";
    /// <summary>Demo data: the expert pool was seeded.</summary>
    public const string ExpertPoolSeeded = "expert.pool.seeded";
    /// <summary>An expert's profile changed (the field names only).</summary>
    public const string ExpertProfileChanged = "expert.profile.changed";
    /// <summary>An expert was suspended, retired or reactivated.</summary>
    public const string ExpertStatusChanged = "expert.status.changed";
    /// <summary>An office approved a firm's filing (dual filing: centre and supervision).</summary>
    public const string FirmApproved = "firm.approved";
    /// <summary>A firm filed a document (hash and length).</summary>
    public const string FirmDocumentAdded = "firm.document.added";
    /// <summary>A firm registered (the public register of firms).</summary>
    public const string FirmRegistered = "firm.registered";
    /// <summary>An office rejected a firm's filing, with a reason.</summary>
    public const string FirmRejected = "firm.rejected";
    /// <summary>A collusion screening run failed (the error, no data).</summary>
    public const string IntegrityFailed = "integrity.failed";
    /// <summary>The supervision office confirmed or dismissed a finding (hashes of evidence and reason).</summary>
    public const string IntegrityFindingDecided = "integrity.finding.decided";
    /// <summary>The supervision office imported a centre's past results for the history screens (the file's hash and counts).</summary>
    public const string IntegrityHistoryImported = "integrity.history.imported";
    /// <summary>The supervision office removed an imported history file.</summary>
    public const string IntegrityHistoryRemoved = "integrity.history.removed";
    /// <summary>A collusion screening run was requested.</summary>
    public const string IntegrityRequested = "integrity.requested";
    /// <summary>A collusion screening run finished (counts only).</summary>
    public const string IntegrityScreened = "integrity.screened";
    /// <summary>A bid opened, or failed to open with its classification (position, status, price, duration).</summary>
    public const string OpeningBid = "opening.bid";
    /// <summary>The opening completed (the transcript's hash).</summary>
    public const string OpeningCompleted = "opening.completed";
    /// <summary>A bidder confirmed its row of the opening record.</summary>
    public const string OpeningConfirmed = "opening.confirmed";
    /// <summary>Someone joined the live opening hall (kind and pseudonym).</summary>
    public const string OpeningHallJoined = "opening.hall.joined";
    /// <summary>The opening stopped at a bid, with the reason; it resumes from there.</summary>
    public const string OpeningInterrupted = "opening.interrupted";
    /// <summary>A bidder objected to its row or to the opening.</summary>
    public const string OpeningObjection = "opening.objection";
    /// <summary>An objection at the opening was answered.</summary>
    public const string OpeningObjectionAnswered = "opening.objection.answered";
    /// <summary>A holder's partial decryptions were accepted (their hash; via browser or CLI).</summary>
    public const string OpeningPartials = "opening.partials";
    /// <summary>A holder's partial decryptions were refused, with the rule.</summary>
    public const string OpeningPartialsRefused = "opening.partials.refused";
    /// <summary>An interrupted opening was resumed.</summary>
    public const string OpeningResumed = "opening.resumed";
    /// <summary>A commitment to an act that stays hidden for now, or a cover entry (SealedActs).</summary>
    /// <summary>A stored record sealed without a time-stamp got one later (the issued and the stamped file's hashes).</summary>
    public const string SealTimeStamped = "seal.time-stamped";
    public const string SealedAct = SealedActs.ActType;
    /// <summary>At the deadline, opens every sealed act of the tender (SealedActs).</summary>
    public const string SealedReveal = SealedActs.RevealType;
    /// <summary>The working-day calendar changed (its hash).</summary>
    public const string SupervisionCalendarChanged = "supervision.calendar.changed";
    /// <summary>A time limit turned red (overdue).</summary>
    public const string SupervisionLimitRed = "supervision.limit.red";
    /// <summary>A time limit turned yellow (near or just past).</summary>
    public const string SupervisionLimitYellow = "supervision.limit.yellow";
    /// <summary>A bad-behaviour record's suspension was adopted for an organisation.</summary>
    public const string SupervisionRecordAdopted = "supervision.record.adopted";
    /// <summary>An appeal against a bad-behaviour record was filed or decided.</summary>
    public const string SupervisionRecordAppeal = "supervision.record.appeal";
    /// <summary>A bad-behaviour record (and any suspension) was created.</summary>
    public const string SupervisionRecordCreated = "supervision.record.created";
    /// <summary>The time-limit colour thresholds changed.</summary>
    public const string SupervisionThresholdsChanged = "supervision.thresholds.changed";
    /// <summary>The tender's archive package was made (step 18).</summary>
    public const string TenderArchived = "tender.archived";
    /// <summary>A tender's terms changed before publication or by an amendment.</summary>
    public const string TenderChanged = "tender.changed";
    /// <summary>A clarification was published (and whether it changes the documents).</summary>
    public const string TenderClarification = "tender.clarification";
    /// <summary>The deadline move: bidding closed (step 3 to 8).</summary>
    public const string TenderDeadline = "tender.deadline";
    /// <summary>The bid deadline was postponed.</summary>
    public const string TenderDeadlinePostponed = "tender.deadline.postponed";
    /// <summary>A tender document was added (hash and length).</summary>
    public const string TenderDocumentAdded = "tender.document.added";
    /// <summary>A firm obtained the tender documents (firm and user by tender pseudonym).</summary>
    public const string TenderDocumentObtained = "tender.document.obtained";
    /// <summary>The tender documents were filed (step 2).</summary>
    public const string TenderDocumentsFiled = "tender.documents.filed";
    /// <summary>The tender failed (流标), with the rule.</summary>
    public const string TenderFailed = "tender.failed";
    /// <summary>A supervisor locked the tender at its step, with rule and reason.</summary>
    public const string TenderLocked = "tender.locked";
    /// <summary>Some lots failed at the deadline (art. 44); the tender goes on with the others.</summary>
    public const string TenderLotsFailed = "tender.lots.failed";
    /// <summary>The tender notice was published (step 3).</summary>
    public const string TenderPublished = "tender.published";
    /// <summary>A tender was registered (step 1).</summary>
    public const string TenderRegistered = "tender.registered";
    /// <summary>The tender moved to a later step because its acts were done.</summary>
    public const string TenderStep = "tender.step";
    /// <summary>A supervisor unlocked the tender, with a reason.</summary>
    public const string TenderUnlocked = "tender.unlocked";

    /// <summary>The catalogue, ordered by type.</summary>
    public static IReadOnlyList<LogEntryType> All { get; } =
    [
        new(AccountPasswordSet, LogReveal.AtOnce, "user", "A user set their password with a one-time link."),
        new(AccountTwofactorDisabled, LogReveal.AtOnce, "user", "A user turned two-factor sign-in off (with password and current code)."),
        new(AccountTwofactorEnabled, LogReveal.AtOnce, "user", "A user turned two-factor sign-in on."),
        new(AdminOrganisationCreated, LogReveal.AtOnce, "organisation, kind, name, creditCode, by", "An administrator created an organisation (owner unit, agency, supervision office, pool)."),
        new(AdminUserCreated, LogReveal.AtOnce, "user, organisation, roles, by", "An administrator created an account."),
        new(AdminUserDeactivated, LogReveal.AtOnce, "user, reason, by", "An administrator deactivated an account (its sessions and tokens end at once)."),
        new(AdminUserReactivated, LogReveal.AtOnce, "user, reason, by", "An administrator reactivated an account."),
        new(AdminUserResetIssued, LogReveal.AtOnce, "user, by", "An administrator issued a one-time set-password link."),
        new(AdminUserRoles, LogReveal.AtOnce, "user, roles, by", "An administrator changed an account's roles."),
        new(AgentEngaged, LogReveal.AtOnce, "engagement, owner, agent, by", "An owner engaged a tendering agency."),
        new(AgentEngagementEnded, LogReveal.AtOnce, "engagement, owner, agent, tenders, by", "An owner ended an agency's engagement."),
        new(AwardBondRefunded, LogReveal.AtOnce, "code, bid, firm, amount, interest, on", "A bidder's bond refund was recorded (step 18)."),
        new(AwardComplaintDecided, LogReveal.AtOnce, "code, complaint, outcome, decision, late", "The supervision office decided a complaint."),
        new(AwardComplaintLodged, LogReveal.AtOnce, "code, complaint, firm, text, knew, due", "A bidder lodged a complaint with the supervision office."),
        new(AwardContractDiffers, LogReveal.AtOnce, "code, lot, awardPrice, contractPrice, awardDuration, contractDuration", "The contract's price or duration differs from the award (a warning to supervision)."),
        new(AwardContractSigned, LogReveal.AtOnce, "code, lot, firm, price, duration, signed, sha256, differs", "The signed contract was uploaded (step 17)."),
        new(AwardIssued, LogReveal.AtOnce, "code, lot, bid, firm, rank, price, duration, reason, by", "A lot was awarded (step 16)."),
        new(AwardNoticesIssued, LogReveal.AtOnce, "code, lot, notices", "The award and result notices of a lot were issued as signed PDFs."),
        new(AwardObjectionAnswered, LogReveal.AtOnce, "code, objection, answer, late", "The owner answered an objection."),
        new(AwardObjectionRaised, LogReveal.AtOnce, "code, objection, firm, text, due", "A bidder raised an objection during publicity."),
        new(AwardPublicityPublished, LogReveal.AtOnce, "code, from, until, candidates, by", "The owner published the candidates (step 14)."),
        new(AwardTenderResumed, LogReveal.AtOnce, "code, complaint, by", "The supervision office resumed a tender suspended for a complaint."),
        new(AwardTenderSuspended, LogReveal.AtOnce, "code, complaint, by", "The supervision office suspended a tender while it decides a complaint."),
        new(BidRefused, LogReveal.AtDeadline, "reason, firm, lot", "A bid was refused at completion (reason code, firm by tender pseudonym)."),
        new(BidSubmitted, LogReveal.AtDeadline, "bid, lot, bidder, ciphertextSha256, ciphertextLength, headerHash, supersedes", "A sealed bid was received (hashes and length only; supersedes the bid it replaces)."),
        new(CertificateRequested, LogReveal.AtOnce, "request, firm, key, renews, external, by, confirmation", "A firm asked for a signing certificate, or registered one from a CA the centre trusts (external: its hash, serial, issuer); confirmed with the account's two-factor code."),
        new(CertificateIssued, LogReveal.AtOnce, "certificate, firm, serial, sha256, key, notBefore, notAfter, renews, external, by", "The centre issued a firm's signing certificate, or accepted a registered one (external: true) (serial, fingerprint, key hash, validity)."),
        new(CertificateRejected, LogReveal.AtOnce, "request, firm, reason, by", "The centre refused a firm's certificate request, with its reason."),
        new(CertificateRevoked, LogReveal.AtOnce, "certificate, firm, serial, reason, by", "A firm certificate was revoked (by the centre or the firm), with its reason; the revocation list names it."),
        new(BidWithdrawn, LogReveal.AtDeadline, "bid, envelopeSha256", "A bid was withdrawn before the deadline."),
        new(BidsFrozen, LogReveal.AtOnce, "count, bids, lots, failed, minimum", "At the deadline: the valid bids per lot (count, envelope hashes and points), art. 44 applied."),
        new(CeremonyAcknowledged, LogReveal.AtOnce, "ceremony, dealer, recipient, commitmentHash, officerKey, signature", "An officer acknowledged the shares dealt to it (signed with its transport key)."),
        new(CeremonyComplaintUpheld, LogReveal.AtOnce, "ceremony, dealer, recipient, commitmentHash, evidence", "A complaint against a dealing was upheld, with the evidence anyone can check."),
        new(CeremonyCompleted, LogReveal.AtOnce, "ceremony, keyId, jointKey, verificationKeys, via", "The key ceremony completed: the joint key and the verification keys."),
        new(CeremonyDealt, LogReveal.AtOnce, "ceremony, holder, commitmentHash, commitments, shares, officer", "A holder dealt: Feldman commitments, Schnorr proof, shares encrypted to the officers."),
        new(CeremonyHealthMissed, LogReveal.AtOnce, "holder, healthDeadline", "A holder missed its health check before the health-check deadline."),
        new(CeremonyHealthOk, LogReveal.AtOnce, "ceremony, holder, via, officer, canary", "A holder passed its health check (a partial over the canary, with its proof)."),
        new(CeremonySharesReencrypted, LogReveal.AtOnce, "organisation, holder, officer, transportKey, ceremony, by, byOfficer", "An officer re-encrypted its holder's shares to another officer of the holder."),
        new(CeremonyStarted, LogReveal.AtOnce, "ceremony, holders, threshold", "The key ceremony started with the notice's publication."),
        new(CheckinAttempt, LogReveal.AtOnce, "attempt, session, room, expert, decision, reason, match, live, bestOther, bestOtherScore, substitution, image, imageBytes, thresholds, challenge, device, frames, turn, sameFace, by", "A face check-in attempt at the evaluation room, admitted or refused with its reason."),
        new(CheckinDeviceApproved, LogReveal.AtOnce, "device, name, by", "Centre staff approved a kiosk device."),
        new(CheckinDeviceRequested, LogReveal.AtOnce, "device, by", "A kiosk device asked to be registered."),
        new(CheckinDeviceRevoked, LogReveal.AtOnce, "device, by", "Centre staff revoked a kiosk device."),
        new(CheckinEnrolled, LogReveal.AtOnce, "expert, generation, photos, photosKept, lowestPairScore, duplicateOf, duplicateScore, duplicateReason, by", "An expert's face templates were enrolled (hashes and scores, never images)."),
        new(CheckinOverridden, LogReveal.AtOnce, "attempt, session, room, expert, overridden, image, reason, by", "A supervisor admitted or refused an expert against the face decision, with a reason."),
        new(CustodyOfficerAdded, LogReveal.AtOnce, "organisation, holder, officer, transportKey, by, firstOfficer, ceremony, byOfficer", "An officer became effective for its holder organisation."),
        new(CustodyOfficerEnrolled, LogReveal.AtOnce, "organisation, holder, officer, transportKey, by, firstOfficer", "An officer registered a transport key and waits to be added by an existing officer."),
        new(CustodyOfficerRemoved, LogReveal.AtOnce, "organisation, officer, transportKey, by", "A supervisor removed an officer (never a holder's last)."),
        new(DemoClockAdvanced, LogReveal.AtOnce, "from, to, by", "Centre staff moved the demo clock forward (demo data outside Production only)."),
        new(DrawAccepted, LogReveal.AtOnce, "drawId, phase, args, extra", "A drawn expert accepted the seat (per-draw pseudonym)."),
        new(DrawBeacon, LogReveal.AtOnce, "drawId, phase, args, extra", "The public beacon value of the named round was entered."),
        new(DrawCommitment, LogReveal.AtOnce, "drawId, phase, args, extra", "An office committed to its random value (the commitment hash)."),
        new(DrawCommitmentsClosed, LogReveal.AtOnce, "drawId, phase, args, extra", "The commitment window closed."),
        new(DrawDrawn, LogReveal.AtOnce, "drawId, phase, args, extra", "The seed and the committee (pseudonyms), computed from the published inputs."),
        new(DrawListCommitted, LogReveal.AtOnce, "drawId, phase, args, extra", "The request hash and the eligible list hash, before any randomness."),
        new(DrawReplaced, LogReveal.AtOnce, "drawId, phase, args, extra", "A seat passed to the next on the reserve list, with the reason."),
        new(DrawReserveExhausted, LogReveal.AtOnce, "drawId, phase, args, extra", "No reserve was left for a seat; the centre must act."),
        new(DrawReveal, LogReveal.AtOnce, "drawId, phase, args, extra", "An office revealed its value."),
        new(DrawRevealMissing, LogReveal.AtOnce, "drawId, phase, args, extra", "An office that committed did not reveal before the draw; it is left out."),
        new(DrawVoided, LogReveal.AtOnce, "drawId, phase, args, extra", "A supervisor voided the draw, with a reason."),
        new(EvaluationChairVote, LogReveal.AtOnce, "draw, seat, candidate", "A committee seat voted for the chair."),
        new(EvaluationClarificationAsked, LogReveal.AtOnce, "draw, clarification, bid, answerBy, question", "The chair asked a bidder for a clarification (the question's hash, the deadline)."),
        new(EvaluationClarificationAnswered, LogReveal.AtOnce, "clarification, bid, answer", "The bidder answered a clarification (the answer's hash)."),
        new(EvaluationDeviationExplained, LogReveal.AtOnce, "draw, seat, item, reason", "A member explained a deviating mark (畸高畸低)."),
        new(EvaluationReportIssued, LogReveal.AtOnce, "draw, content, pdf, dissents, candidates", "The evaluation report was issued (content and PDF hashes; step 13)."),
        new(EvaluationReportSigned, LogReveal.AtOnce, "draw, seat, content, dissent, reauthentication, member (key, certificate, statement hashes)",
            "A member signed the report or recorded dissent, after re-authenticating, with their own signature under a one-signing certificate."),
        new(EvaluationReview, LogReveal.AtOnce, "draw, chair, bid, rejected, grounds, reasons", "The chair recorded the preliminary review of a bid (rejections cite their grounds)."),
        new(EvaluationSheetCommitted, LogReveal.AtOnce, "draw, seat, commitment", "A member committed a score sheet (the commitment only, until all have committed)."),
        new(ExpertCreated, LogReveal.AtOnce, "expert, by", "Centre staff added an expert to the pool."),
        new(ExpertPoolSeeded, LogReveal.AtOnce, "count, demo", "Demo data: the expert pool was seeded."),
        new(ExpertProfileChanged, LogReveal.AtOnce, "expert, fields, by", "An expert's profile changed (the field names only)."),
        new(ExpertStatusChanged, LogReveal.AtOnce, "expert, status, until, by", "An expert was suspended, retired or reactivated."),
        new(FirmApproved, LogReveal.AtOnce, "firm, office, status, by", "An office approved a firm's filing (dual filing: centre and supervision)."),
        new(FirmDocumentAdded, LogReveal.AtOnce, "firm, kind, sha256, length", "A firm filed a document (hash and length)."),
        new(FirmRegistered, LogReveal.AtOnce, "firm, creditCode, name, licenceSha256, user", "A firm registered (the public register of firms)."),
        new(FirmRejected, LogReveal.AtOnce, "firm, reason, by", "An office rejected a firm's filing, with a reason."),
        new(IntegrityFailed, LogReveal.AtOnce, "run, error", "A collusion screening run failed (the error, no data)."),
        new(IntegrityFindingDecided, LogReveal.AtOnce, "finding, lot, indicator, grade, decision, evidenceSha256, reasonSha256, by", "The supervision office confirmed or dismissed a finding (hashes of evidence and reason)."),
        new(IntegrityHistoryImported, LogReveal.AtOnce, "file, kind, bytes, lots, bids, skipped, by", "The supervision office imported a centre's past results for the history screens (the file's hash and counts)."),
        new(IntegrityHistoryRemoved, LogReveal.AtOnce, "file, by", "The supervision office removed an imported history file."),
        new(IntegrityRequested, LogReveal.AtOnce, "run, by", "A collusion screening run was requested."),
        new(IntegrityScreened, LogReveal.AtOnce, "run, trigger, lots, bids, historyLots, findings, notEnoughData, notes, reopened", "A collusion screening run finished (counts only)."),
        new(OpeningBid, LogReveal.AtOnce, "ceremony, bid, position, envelopeSha256, firm, status, priceFen, durationDays", "A bid opened, or failed to open with its classification (position, status, price, duration)."),
        new(OpeningCompleted, LogReveal.AtOnce, "ceremony, transcriptSha256, recordClosesAt, bids", "The opening completed (the transcript's hash)."),
        new(OpeningConfirmed, LogReveal.AtOnce, "bid, firm", "A bidder confirmed its row of the opening record."),
        new(OpeningHallJoined, LogReveal.AtOnce, "kind, user", "Someone joined the live opening hall (kind and pseudonym)."),
        new(OpeningInterrupted, LogReveal.AtOnce, "ceremony, position, bids, reason", "The opening stopped at a bid, with the reason; it resumes from there."),
        new(OpeningObjection, LogReveal.AtOnce, "objection, bid, firm", "A bidder objected to its row or to the opening."),
        new(OpeningObjectionAnswered, LogReveal.AtOnce, "objection", "An objection at the opening was answered."),
        new(OpeningPartials, LogReveal.AtOnce, "ceremony, holder, bids, via, partialsSha256, officer", "A holder's partial decryptions were accepted (their hash; via browser or CLI)."),
        new(OpeningPartialsRefused, LogReveal.AtOnce, "ceremony, holder, reason, officer", "A holder's partial decryptions were refused, with the rule."),
        new(OpeningResumed, LogReveal.AtOnce, "ceremony, opened, by", "An interrupted opening was resumed."),
        new(SealTimeStamped, LogReveal.AtOnce, "kind, record, issued, sha256, stampedAt, tsa", "A record sealed while the external TSA gave no time-stamp got it later: the stamped copy's SHA-256 beside the issued one's."),
        new(SealedAct, LogReveal.AtOnce, "commitment", "A commitment to an act that stays hidden for now, or a cover entry (SealedActs)."),
        new(SealedReveal, LogReveal.AtOnce, "acts (index, nonce, entry), count", "At the deadline, opens every sealed act of the tender (SealedActs)."),
        new(SupervisionCalendarChanged, LogReveal.AtOnce, "years, sha256, by", "The working-day calendar changed (its hash)."),
        new(SupervisionLimitRed, LogReveal.AtOnce, "limit, subject, id, from, to, start, due, crossed, completed", "A time limit turned red (overdue)."),
        new(SupervisionLimitYellow, LogReveal.AtOnce, "limit, subject, id, from, to, start, due, crossed, completed", "A time limit turned yellow (near or just past)."),
        new(SupervisionRecordAdopted, LogReveal.WhenPublished, "record, number, id, end", "A bad-behaviour record's suspension was adopted for an organisation."),
        new(SupervisionRecordAppeal, LogReveal.WhenPublished, "record, number, appeal, decision, reducedEnd, effectiveEnd, by", "An appeal against a bad-behaviour record was filed or decided."),
        new(SupervisionRecordCreated, LogReveal.WhenPublished, "record, number, subject, id, rule, sanction, start, end, evidenceSha256, finding, by", "A bad-behaviour record (and any suspension) was created."),
        new(SupervisionThresholdsChanged, LogReveal.AtOnce, "mode, yellowFractionLeft, yellowDaysLate, redDaysLate, by", "The time-limit colour thresholds changed."),
        new(TenderArchived, LogReveal.AtOnce, "code, failed, step, retentionYears, retainUntil, by", "The tender's archive package was made (step 18)."),
        new(TenderChanged, LogReveal.AtOnce, "title, lots, deadline, by", "A tender's terms changed before publication or by an amendment."),
        new(TenderClarification, LogReveal.AtOnce, "clarification, changesDocuments", "A clarification was published (and whether it changes the documents)."),
        new(TenderDeadline, LogReveal.AtOnce, "from, to, code, deadline, documents, by, ip", "The deadline move: bidding closed (step 3 to 8)."),
        new(TenderDeadlinePostponed, LogReveal.AtOnce, "from, to", "The bid deadline was postponed."),
        new(TenderDocumentAdded, LogReveal.AtOnce, "document, name, sha256, length", "A tender document was added (hash and length)."),
        new(TenderDocumentObtained, LogReveal.AtDeadline, "document, firm, user", "A firm obtained the tender documents (firm and user by tender pseudonym)."),
        new(TenderDocumentsFiled, LogReveal.AtOnce, "from, to, code, deadline, documents, by, ip", "The tender documents were filed (step 2)."),
        new(TenderFailed, LogReveal.AtOnce, "code, rule, step", "The tender failed (流标), with the rule."),
        new(TenderLocked, LogReveal.AtOnce, "code, step, rule, reason, by", "A supervisor locked the tender at its step, with rule and reason."),
        new(TenderLotsFailed, LogReveal.AtOnce, "code, lots", "Some lots failed at the deadline (art. 44); the tender goes on with the others."),
        new(TenderPublished, LogReveal.AtOnce, "code, deadline, demo, from, to, documents, by, ip", "The tender notice was published (step 3)."),
        new(TenderRegistered, LogReveal.AtOnce, "code, title, owner, demo, agent, lots, deadline, retenderOf, by", "A tender was registered (step 1)."),
        new(TenderStep, LogReveal.AtOnce, "from, to, code, by", "The tender moved to a later step because its acts were done."),
        new(TenderUnlocked, LogReveal.AtOnce, "code, step, rule, reason, by", "A supervisor unlocked the tender, with a reason."),
    ];

    private static readonly Dictionary<string, LogEntryType> ByType = All.ToDictionary(e => e.Type, StringComparer.Ordinal);

    /// <summary>The catalogue's entry for <paramref name="type"/>, or null for a type the platform does not write.</summary>
    public static LogEntryType? Find(string type) => ByType.GetValueOrDefault(type);
}
