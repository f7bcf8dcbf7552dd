using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Data.Notifications;
using Trading.Domain;
using Trading.Domain.Experts;
using Trading.ExpertPool;
using Trading.Web.Features.Draw;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// The expert draw end to end on the real app and PostgreSQL: requested, committed, revealed and drawn
/// through the pages, exported and checked by the CLI's verify-draw code with no database involved.
/// </summary>
public class ExpertDrawTests(PostgresServer pg) : WebTest(pg)
{
    private const string TechSpecialty = DrawPages.TechSpecialty;
    private const string EconSpecialty = DrawPages.EconSpecialty;

    /// <summary>
    /// A known pool instead of the random demo one: experts 1-20 technical, 21-30 economic, all active,
    /// senior, experienced, available and free of conflicts, unless a test plants something.
    /// </summary>
    private void NormalisePool() => DrawPages.NormalisePool(App);

    private Tender TenderByOwner(string ownerUser) => DrawPages.TenderByOwner(App, ownerUser);

    private static Dictionary<string, string> RequestForm(Tender t, Lot lot, int techSeats = 3, int econSeats = 2, string techSpecialty = "construction/*", int size = 5) => new()
    {
        ["Input.TenderId"] = t.Id.ToString(), ["Input.LotId"] = lot.Id.ToString(), ["Input.EvaluationRoom"] = "评标室二",
        ["Day"] = "2026-11-24", ["From"] = "09:00", ["To"] = "12:00",
        ["Input.CommitteeSize"] = size.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Input.OwnerRepresentativeSeats"] = "0", ["Input.ResponseWindowHours"] = "2",
        ["Input.Strata[0].Stratum"] = "1-tech", ["Input.Strata[0].Kind"] = "Technical", ["Input.Strata[0].Specialties"] = techSpecialty, ["Input.Strata[0].Count"] = techSeats.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Input.Strata[1].Stratum"] = "2-econ", ["Input.Strata[1].Kind"] = "Economic", ["Input.Strata[1].Specialties"] = "economics/*", ["Input.Strata[1].Count"] = econSeats.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private async Task<HttpResponseMessage> PostRequestAsync(HttpClient c, Tender t, Dictionary<string, string> form) =>
        await Browser.PostFormAsync(c, $"/Draw/Request?tenderId={t.Id}", "/Draw/Request", form);

    private async Task<Guid> RequestAsync(HttpClient c, Tender t, Lot lot, Dictionary<string, string>? form = null)
    {
        var r = await PostRequestAsync(c, t, form ?? RequestForm(t, lot));
        Assert.True(r.StatusCode == HttpStatusCode.Redirect, $"request refused: {Errors(await r.Content.ReadAsStringAsync())}");
        return Guid.Parse(r.Headers.Location!.OriginalString.Split('/')[^1]);
    }

    private static string Errors(string html) => DrawPages.Errors(html);

    private static Task<HttpResponseMessage> ActAsync(HttpClient c, Guid id, string handler, Dictionary<string, string>? fields = null) =>
        DrawPages.ActAsync(c, id, handler, fields);

    private EvaluationSession Session(Guid id) => DrawPages.Session(App, id);
    private DrawRecord Record(Guid id) => DrawRecordJson.Deserialize(Session(id).RecordJson);

    private sealed record Offices(HttpClient Supervision, HttpClient Centre, HttpClient Owner);

    private async Task<Offices> OfficesAsync(string owner) =>
        new(await Browser.SignInAsync(App, "supervisor"), await Browser.SignInAsync(App, "centre"), await Browser.SignInAsync(App, owner));

    /// <summary>All three offices commit and reveal through the page, then the centre draws.</summary>
    private async Task DrawThroughPagesAsync(Guid id, Offices o)
    {
        var drawId = Session(id).DrawId;
        var values = new Dictionary<string, byte[]>();
        foreach (var (office, client) in new[] { ("supervision", o.Supervision), ("centre", o.Centre), ("owner", o.Owner) })
        {
            values[office] = RandomNumberGenerator.GetBytes(32);
            var r = await ActAsync(client, id, "Commit", new() { ["commitment"] = DrawAlgorithm.Commitment(drawId, office, values[office]) });
            Assert.True(r.StatusCode == HttpStatusCode.Redirect, $"{office} commit: {Errors(await r.Content.ReadAsStringAsync())}");
        }
        Assert.Equal(DrawPhase.Revealing, Record(id).Phase); // all three in: commitments close by themselves
        foreach (var (office, client) in new[] { ("owner", o.Owner), ("supervision", o.Supervision), ("centre", o.Centre) })
        {
            var r = await ActAsync(client, id, "Reveal", new() { ["value"] = Convert.ToHexStringLower(values[office]) });
            Assert.True(r.StatusCode == HttpStatusCode.Redirect, $"{office} reveal: {Errors(await r.Content.ReadAsStringAsync())}");
        }
        var d = await ActAsync(o.Centre, id, "Draw");
        Assert.True(d.StatusCode == HttpStatusCode.Redirect, $"draw: {Errors(await d.Content.ReadAsStringAsync())}");
        Assert.Equal(DrawPhase.Drawn, Record(id).Phase);
    }

    private async Task<(int Code, string Output)> VerifyExportAsync(HttpClient c, Guid id, Func<string, string>? tamper = null)
    {
        var r = await c.GetAsync($"/Draw/Details/{id}?handler=Record");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("application/json", r.Content.Headers.ContentType!.MediaType);
        var json = await r.Content.ReadAsStringAsync();
        var path = Path.Combine(App.DataDirectory, $"record-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, tamper is null ? json : tamper(json));
        var output = new StringWriter();
        var code = Trading.Cli.ExpertPool.DrawCommands.VerifyFile(path, "en", output);
        return (code, output.ToString());
    }

    private string UserNameOfExpert(Guid expertId) => App.WithDb(db =>
        (from e in db.Set<PoolExpert>() join u in db.Users on e.UserId equals u.Id where e.Id == expertId select u.UserName).Single()!);

    [Fact]
    public async Task A_draw_made_in_the_web_app_verifies_with_the_cli_from_its_exported_record()
    {
        NormalisePool();
        var t = TenderByOwner("owner3");
        var o = await OfficesAsync("owner3");
        var logBefore = App.WithDb(db => db.LogEntries.LongCount());
        var id = await RequestAsync(o.Centre, t, t.Lots[0]);
        Assert.Equal(DrawPhase.Committing, Record(id).Phase);
        await DrawThroughPagesAsync(id, o);

        var s = Session(id);
        Assert.Equal(5, s.Members.Count);
        Assert.All(s.Members, m => Assert.Equal(CommitteeMemberStatus.Invited, m.Status));
        Assert.Equal(3, s.Members.Count(m => m.Stratum == "1-tech"));
        // Each drawn expert has an in-app invitation (and e-mail from the outbox).
        var invited = App.WithDb(db => db.Set<Notification>().Where(n => n.Kind == "draw.invited").Select(n => n.UserId).ToList());
        Assert.Equal(5, invited.Count);

        var (code, output) = await VerifyExportAsync(o.Supervision, id);
        Assert.True(code == 0, output);
        Assert.Contains("Draw record verified", output, StringComparison.Ordinal);
        Assert.Contains("ordering: ok", output, StringComparison.Ordinal);

        // One changed position in the ordering: the verifier names that step, and the earlier ones pass.
        var (bad, badOut) = await VerifyExportAsync(o.Supervision, id, json =>
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
            var order = node["strata"]![0]!["order"]!.AsArray();
            (order[0], order[1]) = (order[1]!.DeepClone(), order[0]!.DeepClone());
            return node.ToJsonString();
        });
        Assert.Equal(1, bad);
        Assert.Contains("FAILED at step: ordering", badOut, StringComparison.Ordinal);
        Assert.Contains("seed: ok", badOut, StringComparison.Ordinal);

        // A changed reveal breaks the commitments step first.
        var (bad2, out2) = await VerifyExportAsync(o.Supervision, id, json => json.Replace(Record(id).Reveals[0].Value, new string('a', 64), StringComparison.Ordinal));
        Assert.Equal(1, bad2);
        Assert.Contains("FAILED at step: commitments", out2, StringComparison.Ordinal);

        // The same record comes from the public API, byte for byte, and a PDF for the file.
        var pub = await App.Anonymous().GetStringAsync($"/api/public/draws/{id}/record");
        Assert.Equal(s.RecordJson, pub);
        var pdf = await o.Centre.GetAsync($"/Draw/Details/{id}?handler=Pdf");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(await pdf.Content.ReadAsByteArrayAsync())[..4], StringComparison.Ordinal);

        // Every step is in the public log, with hashes and pseudonyms only.
        var types = App.WithDb(db => db.LogEntries.Where(e => e.Index >= logBefore && e.Type.StartsWith("draw.")).OrderBy(e => e.Index).Select(e => e.Type).ToList());
        Assert.Equal(["draw.list-committed", "draw.commitment", "draw.commitment", "draw.commitment", "draw.commitments-closed", "draw.reveal", "draw.reveal", "draw.reveal", "draw.drawn"], types);
    }

    [Fact]
    public async Task A_reveal_that_does_not_match_its_commitment_is_refused_on_the_page_and_the_api()
    {
        NormalisePool();
        var t = TenderByOwner("owner3");
        var o = await OfficesAsync("owner3");
        var id = await RequestAsync(o.Centre, t, t.Lots[0]);
        var drawId = Session(id).DrawId;
        var value = RandomNumberGenerator.GetBytes(32);
        Assert.Equal(HttpStatusCode.Redirect, (await ActAsync(o.Supervision, id, "Commit", new() { ["commitment"] = DrawAlgorithm.Commitment(drawId, "supervision", value) })).StatusCode);
        // A reveal before the commitments close is out of phase.
        var early = await ActAsync(o.Supervision, id, "Reveal", new() { ["value"] = Convert.ToHexStringLower(value) });
        Assert.Contains("draw.phase.wrong", Errors(await early.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        // The owner cannot close commitments; the centre can.
        Assert.Equal(HttpStatusCode.Forbidden, (await ActAsync(o.Owner, id, "Close")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await ActAsync(o.Centre, id, "Close")).StatusCode);

        var other = RandomNumberGenerator.GetBytes(32);
        var refused = await ActAsync(o.Supervision, id, "Reveal", new() { ["value"] = Convert.ToHexStringLower(other) });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("draw.reveal.mismatch", Errors(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Empty(Record(id).Reveals);

        var api = await App.ApiAsync("supervisor");
        var r = await api.PostAsJsonAsync($"/api/draws/{id}/reveals", new { value = Convert.ToHexStringLower(other) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
        var problem = await r.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(DrawRules.Refused, problem.GetProperty("rule").GetString());
        Assert.Contains("draw.reveal.mismatch", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        // Malformed, short and oversized values are refused too, never stored.
        foreach (var bad in new[] { "zz", "00ff", new string('a', 5000) })
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await api.PostAsJsonAsync($"/api/draws/{id}/reveals", new { value = bad })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PostAsync($"/api/draws/{id}/reveals", new StringContent("{\"value\":", System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Empty(Record(id).Reveals);

        // The right value passes, once; a replay is refused.
        Assert.Equal(HttpStatusCode.NoContent, (await api.PostAsJsonAsync($"/api/draws/{id}/reveals", new { value = Convert.ToHexStringLower(value) })).StatusCode);
        var replay = await api.PostAsJsonAsync($"/api/draws/{id}/reveals", new { value = Convert.ToHexStringLower(value) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, replay.StatusCode);
        Assert.Single(Record(id).Reveals);
        // A bidder is no office of this draw.
        var bidder = await App.ApiAsync("bidder01");
        Assert.Equal(HttpStatusCode.Forbidden, (await bidder.PostAsJsonAsync($"/api/draws/{id}/commitments", new { value = new string('0', 64) })).StatusCode);
    }

    [Fact]
    public async Task A_second_draw_for_the_lot_is_refused_unless_a_supervisor_voided_the_first_with_a_reason()
    {
        NormalisePool();
        var t = TenderByOwner("owner3");
        var o = await OfficesAsync("owner3");
        var first = await RequestAsync(o.Owner, t, t.Lots[0]); // the owner side may request for its own tender
        var second = await PostRequestAsync(o.Centre, t, RequestForm(t, t.Lots[0]));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Contains("draw.second-draw", Errors(await second.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(1, App.WithDb(db => db.Set<EvaluationSession>().Count(s => s.TenderId == t.Id)));

        // Another owner may not request for this tender at all.
        var stranger = await Browser.SignInAsync(App, "owner1");
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.GetAsync($"/Draw/Request?tenderId={t.Id}")).StatusCode);

        // Only a supervisor voids, and only with a reason.
        Assert.Equal(HttpStatusCode.Forbidden, (await ActAsync(o.Centre, first, "Void", new() { ["reason"] = "x" })).StatusCode);
        var noReason = await ActAsync(o.Supervision, first, "Void", new() { ["reason"] = "  " });
        Assert.Contains("draw.void.reason-missing", Errors(await noReason.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await ActAsync(o.Supervision, first, "Void", new() { ["reason"] = "评标室变更，需重新抽取" })).StatusCode);
        Assert.Equal(DrawPhase.Voided, Record(first).Phase);
        Assert.NotNull(Session(first).VoidedAt);

        var again = await RequestAsync(o.Centre, t, t.Lots[0]);
        Assert.EndsWith("-2", Session(again).DrawId, StringComparison.Ordinal);
        var (code, output) = await VerifyExportAsync(o.Centre, first);
        Assert.True(code == 0, output); // a voided record still verifies up to where it got
    }

    [Fact]
    public async Task Planted_conflicts_of_every_kind_are_never_drawn_and_supervisors_see_why()
    {
        NormalisePool();
        var t = TenderByOwner("owner1"); // two lots: lot 1's committee then counts as recent service for lot 2
        var owner = t.OwnerOrganisationId;
        var firms = App.WithDb(db => db.Organisations.Where(x => x.Kind == OrganisationKind.BidderFirm).OrderBy(x => x.Name).Select(x => x.Id).Take(4).ToList());
        var today = new DateOnly(2026, 11, 22);
        App.WithDb(db =>
        {
            // The firms that obtained the documents count as bidders of the lot.
            var doc = db.TenderDocuments.First(d => d.TenderId == t.Id);
            foreach (var f in firms)
                db.DocumentDownloads.Add(new DocumentDownload { TenderId = t.Id, DocumentId = doc.Id, FirmId = f, UserId = db.Users.First(u => u.OrganisationId == f).Id, DownloadedAt = DateTime.UtcNow });
            var ex = db.Set<PoolExpert>().Include(e => e.Employments).Include(e => e.Relationships).Include(e => e.RegistryLinks).Include(e => e.Unavailable)
                .OrderBy(e => e.RegistrationNumber).ToList();
            ex[0].EmployerOrganisationId = firms[0]; ex[0].EmployerName = "bidder firm";                          // works for a bidder
            ex[1].Employments.Add(new ExpertEmployment { OrganisationId = owner, EmployerName = "owner", From = today.AddYears(-9), To = today.AddYears(-1) }); // left the owner a year ago
            ex[2].Relationships.Add(new ExpertRelationship { OrganisationId = firms[1], PartyName = "firm", Kind = RelationshipKind.Relative }); // declared
            ex[3].RegistryLinks.Add(new ExpertRegistryLink { OrganisationId = firms[2], PartyName = "firm", Kind = RegistryLinkKind.Shareholder }); // registry
            ex[4].Status = ExpertStatus.Suspended; ex[4].SuspendedUntil = DateTime.UtcNow.AddYears(1); ex[4].StatusReason = "x";
            ex[5].Status = ExpertStatus.Retired;
            ex[6].BirthDate = today.AddYears(-70);
            ex[7].Title = ExpertTitle.Intermediate;
            ex[8].PracticeSince = today.AddYears(-3);
            ex[9].Unavailable.Add(new ExpertUnavailability { From = new DateOnly(2026, 11, 24), To = new DateOnly(2026, 11, 24) });
            // A firm that bid on lot 2 without a logged download is a bidder too.
            db.Add(new Trading.Domain.Bidding.Bid { TenderId = t.Id, LotId = t.Lots.OrderBy(l => l.Number).Last().Id, FirmId = firms[3], SubmittedByUserId = db.Users.First(u => u.OrganisationId == firms[3]).Id, SubmittedAt = DateTime.UtcNow });
            ex[21].EmployerOrganisationId = firms[3]; ex[21].EmployerName = "bidding firm";
            ex[20].Employments.Add(new ExpertEmployment { OrganisationId = firms[0], EmployerName = "bidder", From = today.AddYears(-5), To = null }); // open-ended job at a bidder
            db.SaveChanges();
            return 0;
        });
        var planted = App.WithDb(db => db.Set<PoolExpert>().OrderBy(e => e.RegistrationNumber).Select(e => e.RegistrationNumber).ToList())
            .Where((_, i) => i < 10 || i is 20 or 21).ToList();

        var o = await OfficesAsync("owner1");
        var lot1 = await RequestAsync(o.Centre, t, t.Lots.OrderBy(l => l.Number).First());
        await DrawThroughPagesAsync(lot1, o);
        var lot1Served = Session(lot1).Members.Select(m => m.ExpertId).ToHashSet();

        var id = await RequestAsync(o.Centre, t, t.Lots.OrderBy(l => l.Number).Last());
        var sup = await App.ApiAsync("supervisor");
        var exclusions = await sup.GetFromJsonAsync<List<ExclusionDto>>($"/api/draws/{id}/exclusions");
        var codes = exclusions!.ToDictionary(x => x.RegistrationNumber, x => x.Codes);
        string[] expected = [ReasonCodes.CurrentEmployer, ReasonCodes.FormerEmployer, ReasonCodes.DeclaredRelationship, ReasonCodes.RegistryLink,
            ReasonCodes.StatusSuspended, ReasonCodes.StatusRetired, ReasonCodes.RetirementAge, ReasonCodes.TitleTooLow, ReasonCodes.ExperienceTooShort, ReasonCodes.Unavailable];
        for (var i = 0; i < expected.Length; i++)
            Assert.Contains(expected[i], codes[planted[i]]);
        Assert.Contains(ReasonCodes.CurrentEmployer, codes[planted[10]]); // an open-ended job counts as current
        Assert.Contains(ReasonCodes.CurrentEmployer, codes[planted[11]]);
        // Everyone who served the same owner on lot 1 the same day is in the cool-down.
        var regByExpert = App.WithDb(db => db.Set<PoolExpert>().ToDictionary(e => e.Id, e => e.RegistrationNumber));
        Assert.All(lot1Served, e => Assert.Contains(ReasonCodes.OwnerTooRecent, codes[regByExpert[e]]));

        // The supervisor's page lists them with readable reasons; the owner's page does not.
        var page = await o.Supervision.GetStringAsync($"/Draw/Details/{id}");
        Assert.Contains("data-testid=\"exclusions\"", page, StringComparison.Ordinal);
        Assert.Contains("受雇于本标段的", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"exclusions\"", await o.Owner.GetStringAsync($"/Draw/Details/{id}"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ApiAsync("owner1")).GetAsync($"/api/draws/{id}/exclusions")).StatusCode);

        await DrawThroughPagesAsync(id, o);
        // Walk the whole reserve: every seat declines in turn until the lists run dry; no planted expert ever sits.
        var excludedIds = App.WithDb(db => db.Set<PoolExpert>().Where(e => planted.Contains(e.RegistrationNumber)).Select(e => e.Id).ToList()).Concat(lot1Served).ToHashSet();
        for (var round = 0; round < 40; round++)
        {
            var serving = Session(id).Members.Where(m => m.Status == CommitteeMemberStatus.Invited).ToList();
            Assert.DoesNotContain(Session(id).Members, m => excludedIds.Contains(m.ExpertId));
            if (serving.Count == 0) break;
            var m = serving[0];
            var expert = await Browser.SignInAsync(App, UserNameOfExpert(m.ExpertId));
            var r = await Browser.PostFormAsync(expert, "/Draw/Invitations", "/Draw/Invitations?handler=Decline", new Dictionary<string, string> { ["memberId"] = m.Id.ToString(), ["reason"] = "travel" });
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        }
        var all = Session(id).Members;
        Assert.DoesNotContain(all, m => excludedIds.Contains(m.ExpertId));
        Assert.Equal(Record(id).Eligible.Count, all.Count); // everyone eligible was eventually asked, no one else
        Assert.Contains(App.WithDb(db => db.Set<Notification>().Select(n => n.Kind).ToList()), k => k == "draw.reserve-exhausted");
        var (code, output) = await VerifyExportAsync(o.Centre, id);
        Assert.True(code == 0, output);
    }

    [Fact]
    public async Task A_request_that_cannot_be_met_is_refused_with_the_numbers()
    {
        NormalisePool();
        var t = TenderByOwner("owner3");
        var centre = await Browser.SignInAsync(App, "centre");
        var r = await PostRequestAsync(centre, t, RequestForm(t, t.Lots[0], techSeats: 3, econSeats: 2, techSpecialty: "goods/vehicles"));
        var text = Errors(await r.Content.ReadAsStringAsync());
        Assert.Contains("draw.infeasible", text, StringComparison.Ordinal);
        Assert.Contains("1-tech：需要 3 人，合格 0 人", text, StringComparison.Ordinal);

        var tooMany = await PostRequestAsync(centre, t, RequestForm(t, t.Lots[0], techSeats: 3, econSeats: 12, size: 15));
        Assert.Contains("2-econ：需要 12 人，合格 10 人", Errors(await tooMany.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        // Committee rules: even, too small.
        Assert.Contains("committee.size.even", Errors(await (await PostRequestAsync(centre, t, RequestForm(t, t.Lots[0], 3, 3, size: 6))).Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Contains("committee.size.too-small", Errors(await (await PostRequestAsync(centre, t, RequestForm(t, t.Lots[0], 2, 1, size: 3))).Content.ReadAsStringAsync()), StringComparison.Ordinal);
        // Late (a session in the past) and malformed input.
        var late = RequestForm(t, t.Lots[0]);
        late["Day"] = "2026-11-20";
        Assert.Contains(Wording.Of(DrawRules.TimesInvalid), Errors(await (await PostRequestAsync(centre, t, late)).Content.ReadAsStringAsync()), StringComparison.Ordinal);
        var huge = RequestForm(t, t.Lots[0]);
        huge["Input.EvaluationRoom"] = new string('x', 5000);
        Assert.Contains("evaluationRoom", Errors(await (await PostRequestAsync(centre, t, huge)).Content.ReadAsStringAsync()), StringComparison.Ordinal);
        var badStratum = RequestForm(t, t.Lots[0]);
        badStratum["Input.Strata[0].Stratum"] = "Tech Group!";
        Assert.Contains("request.stratum.invalid", Errors(await (await PostRequestAsync(centre, t, badStratum)).Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(0, App.WithDb(db => db.Set<EvaluationSession>().Count()));
    }

    [Fact]
    public async Task Decline_and_an_expired_answer_window_bring_in_the_next_reserve()
    {
        NormalisePool();
        var t = TenderByOwner("owner3");
        var o = await OfficesAsync("owner3");
        var id = await RequestAsync(o.Centre, t, t.Lots[0]);
        await DrawThroughPagesAsync(id, o);
        var first = Session(id).Members.OrderBy(m => m.Stratum).First();
        var expert = await Browser.SignInAsync(App, UserNameOfExpert(first.ExpertId));
        var page = await expert.GetStringAsync("/Draw/Invitations");
        Assert.Contains(first.Id.ToString(), page, StringComparison.Ordinal);

        // Only declared reasons are accepted.
        var undeclared = await Browser.PostFormAsync(expert, "/Draw/Invitations", "/Draw/Invitations?handler=Decline", new Dictionary<string, string> { ["memberId"] = first.Id.ToString(), ["reason"] = "bored" });
        Assert.Contains("draw.replace.decline-reason-undeclared", Errors(await undeclared.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        // Another expert cannot answer for this seat.
        var otherMember = Session(id).Members.First(m => m.ExpertId != first.ExpertId);
        var intruder = await Browser.PostFormAsync(expert, "/Draw/Invitations", "/Draw/Invitations?handler=Accept", new Dictionary<string, string> { ["memberId"] = otherMember.Id.ToString() });
        Assert.Equal(HttpStatusCode.Forbidden, intruder.StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await Browser.PostFormAsync(expert, "/Draw/Invitations", "/Draw/Invitations?handler=Decline", new Dictionary<string, string> { ["memberId"] = first.Id.ToString(), ["reason"] = "illness" })).StatusCode);
        var s = Session(id);
        var left = s.Members.Single(m => m.Id == first.Id);
        Assert.Equal(CommitteeMemberStatus.Declined, left.Status);
        Assert.Equal("illness", left.DeclineReason);
        var replacement = s.Members.Single(m => m.Id == left.ReplacedByMemberId);
        Assert.Equal(first.Stratum, replacement.Stratum);
        Assert.Equal(CommitteeMemberStatus.Invited, replacement.Status);
        var rec = Record(id);
        Assert.Equal(ReplacementReason.Declined, Assert.Single(rec.Replacements).Reason);
        Assert.Equal(replacement.Pseudonym, rec.Replacements[0].In);
        // A replay of the same decline is refused: the expert no longer holds the seat.
        var replay = await Browser.PostFormAsync(expert, "/Draw/Invitations", "/Draw/Invitations?handler=Decline", new Dictionary<string, string> { ["memberId"] = first.Id.ToString(), ["reason"] = "illness" });
        Assert.Contains(Wording.Of(DrawRules.NotServing), Errors(await replay.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        // One accepts in time; the job does nothing before the window ends.
        var accepter = s.Members.First(m => m.Status == CommitteeMemberStatus.Invited && m.Id != replacement.Id);
        var acc = await Browser.SignInAsync(App, UserNameOfExpert(accepter.ExpertId));
        Assert.Equal(HttpStatusCode.Redirect, (await Browser.PostFormAsync(acc, "/Draw/Invitations", "/Draw/Invitations?handler=Accept", new Dictionary<string, string> { ["memberId"] = accepter.Id.ToString() })).StatusCode);
        Assert.Equal(0, await App.RunJobAsync<DrawResponseWatcher>());

        App.Clock.Advance(TimeSpan.FromHours(2.5));
        var silent = Session(id).Members.Where(m => m.Status == CommitteeMemberStatus.Invited).ToList();
        Assert.Equal(4, silent.Count);
        Assert.Equal(4, await App.RunJobAsync<DrawResponseWatcher>());
        s = Session(id);
        Assert.All(silent, m => Assert.Equal(CommitteeMemberStatus.NoAnswer, s.Members.Single(x => x.Id == m.Id).Status));
        Assert.Equal(5, s.Members.Count(m => m.Serving));
        Assert.Equal(5, Record(id).Replacements.Count);
        Assert.Equal(4, Record(id).Replacements.Count(x => x.Reason == ReplacementReason.NoAnswer));
        // Too late to accept now.
        var lateAnswer = await Browser.SignInAsync(App, UserNameOfExpert(silent[0].ExpertId));
        var tooLate = await Browser.PostFormAsync(lateAnswer, "/Draw/Invitations", "/Draw/Invitations?handler=Accept", new Dictionary<string, string> { ["memberId"] = silent[0].Id.ToString() });
        Assert.Contains(Wording.Of(DrawRules.NotServing), Errors(await tooLate.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        // The newcomers got invitations; the accepted expert withdraws later with a declared reason and is replaced too.
        Assert.Equal(HttpStatusCode.Redirect, (await Browser.PostFormAsync(acc, "/Draw/Invitations", "/Draw/Invitations?handler=Decline", new Dictionary<string, string> { ["memberId"] = accepter.Id.ToString(), ["reason"] = "family-emergency" })).StatusCode);
        Assert.Equal(CommitteeMemberStatus.Replaced, Session(id).Members.Single(m => m.Id == accepter.Id).Status);
        // A conflict found later: staff replace the expert.
        var conflicted = Session(id).Members.First(m => m.Serving);
        Assert.Equal(HttpStatusCode.Redirect, (await ActAsync(o.Supervision, id, "Conflict", new() { ["memberId"] = conflicted.Id.ToString() })).StatusCode);
        Assert.Equal(CommitteeMemberStatus.Conflict, Session(id).Members.Single(m => m.Id == conflicted.Id).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await ActAsync(o.Owner, id, "Conflict", new() { ["memberId"] = Session(id).Members.First(m => m.Serving).Id.ToString() })).StatusCode);

        var (code, output) = await VerifyExportAsync(o.Centre, id);
        Assert.True(code == 0, output);
        Assert.Contains("replacements: ok", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Owner_and_bidders_cannot_learn_who_was_drawn_until_the_award_through_pages_or_api()
    {
        NormalisePool();
        var t = TenderByOwner("owner3");
        var o = await OfficesAsync("owner3");
        var id = await RequestAsync(o.Centre, t, t.Lots[0]);
        await DrawThroughPagesAsync(id, o);
        var drawn = App.WithDb(db => (from m in db.Set<CommitteeMember>() join e in db.Set<PoolExpert>() on m.ExpertId equals e.Id
                                      where m.SessionId == id select new { e.Name, e.RegistrationNumber }).ToList());
        Assert.Equal(5, drawn.Count);

        var bidder = await Browser.SignInAsync(App, "bidder01");
        foreach (var c in new[] { o.Owner, bidder })
        {
            var html = await c.GetStringAsync($"/Draw/Details/{id}");
            Assert.Contains("data-testid=\"committee\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("data-testid=\"expert-name\"", html, StringComparison.Ordinal);
            foreach (var d in drawn)
            {
                Assert.DoesNotContain(d.Name, html, StringComparison.Ordinal);
                Assert.DoesNotContain(d.RegistrationNumber, html, StringComparison.Ordinal);
            }
            var record = await (await c.GetAsync($"/Draw/Details/{id}?handler=Record")).Content.ReadAsStringAsync();
            foreach (var d in drawn) Assert.DoesNotContain(d.RegistrationNumber, record, StringComparison.Ordinal);
        }
        foreach (var user in new[] { "owner3", "bidder01", "agent" })
        {
            var api = await App.ApiAsync(user);
            var dto = await api.GetFromJsonAsync<JsonElement>($"/api/draws/{id}");
            Assert.False(dto.GetProperty("identitiesShown").GetBoolean());
            Assert.All(dto.GetProperty("committee").EnumerateArray(), seat =>
            {
                Assert.Equal(JsonValueKind.Null, seat.GetProperty("name").ValueKind);
                Assert.Equal(JsonValueKind.Null, seat.GetProperty("registrationNumber").ValueKind);
            });
            var raw = await api.GetStringAsync($"/api/draws/{id}");
            foreach (var d in drawn) Assert.DoesNotContain(d.Name, raw, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Forbidden, (await api.GetAsync($"/api/draws/{id}/exclusions")).StatusCode);
        }
        // The API needs a bearer token: the sign-in cookie alone gets nothing.
        Assert.Equal(HttpStatusCode.Unauthorized, (await o.Owner.GetAsync($"/api/draws/{id}")).StatusCode);

        // Oversight sees names.
        var centre = await App.ApiAsync("centre");
        var seen = await centre.GetFromJsonAsync<JsonElement>($"/api/draws/{id}");
        Assert.True(seen.GetProperty("identitiesShown").GetBoolean());
        Assert.Contains(drawn[0].Name, await o.Centre.GetStringAsync($"/Draw/Details/{id}"), StringComparison.Ordinal);

        // Once the award is decided, the owner and bidders may see them.
        App.WithDb(db => { db.Tenders.Single(x => x.Id == t.Id).Step = LifecycleStep.AwardNotice; return db.SaveChanges(); });
        Assert.Contains(drawn[0].Name, await o.Owner.GetStringAsync($"/Draw/Details/{id}"), StringComparison.Ordinal);
        var after = await (await App.ApiAsync("bidder01")).GetFromJsonAsync<JsonElement>($"/api/draws/{id}");
        Assert.True(after.GetProperty("identitiesShown").GetBoolean());
        Assert.Contains(after.GetProperty("committee").EnumerateArray(), s => s.GetProperty("name").GetString() == drawn[0].Name);
    }

    [Fact]
    public async Task Draw_forms_need_the_anti_forgery_token()
    {
        NormalisePool();
        var t = TenderByOwner("owner3");
        var centre = await Browser.SignInAsync(App, "centre");
        var r = await Browser.PostFormAsync(centre, $"/Draw/Request?tenderId={t.Id}", "/Draw/Request", RequestForm(t, t.Lots[0]), withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal(0, App.WithDb(db => db.Set<EvaluationSession>().Count()));
        var id = await RequestAsync(centre, t, t.Lots[0]);
        var sup = await Browser.SignInAsync(App, "supervisor");
        var noToken = await Browser.PostFormAsync(sup, $"/Draw/Details/{id}", $"/Draw/Details/{id}?handler=Commit", new Dictionary<string, string> { ["commitment"] = new string('a', 64) }, withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        // A token from another user's session does not pass either.
        var stolen = await Browser.TokenAsync(centre, $"/Draw/Details/{id}");
        var cross = await sup.PostAsync($"/Draw/Details/{id}?handler=Commit", new FormUrlEncodedContent(new Dictionary<string, string> { ["commitment"] = new string('a', 64), ["__RequestVerificationToken"] = stolen }));
        Assert.Equal(HttpStatusCode.BadRequest, cross.StatusCode);
        Assert.Empty(Record(id).Commitments);
        // Anonymous visitors are sent to sign in.
        var anon = Browser.Client(App);
        Assert.Equal(HttpStatusCode.Redirect, (await anon.GetAsync($"/Draw/Details/{id}")).StatusCode);
    }
}
