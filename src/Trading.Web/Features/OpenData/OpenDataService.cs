using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Archive;
using Trading.Domain.Award;
using Trading.Domain.Bidding;
using Trading.Web.Features.Archive;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.OpenData;

/// <summary>What the public may know of one published tender, read once for OCDS and the results page.</summary>
public sealed record PublicTender(Tender Tender, Organisation? Owner, Organisation? Agent, int? Bidders, DateTime? OpenedAt, DateTime? ArchivedAt,
    IReadOnlyList<LotAward> Awards, IReadOnlyList<LotContract> Contracts);

/// <summary>
/// Open data: every published tender as Open Contracting Data Standard 1.1 releases (docs/open-data.md) and the public
/// results list. What is left out is as important as what is in: before the bids are opened nothing says who or how many
/// bid (Bidding Law art. 22); bidders are never named here (the public learns the winner from the award notice).
/// </summary>
public sealed class OpenDataService(TradingDbContext db, TimeProvider clock, IConfiguration config, IOptions<PlatformOptions> platform, Texts texts)
{
    /// <summary>The OCID prefix a deployment registers with the Open Contracting Partnership (<c>OpenData:OcidPrefix</c>).</summary>
    public string OcidPrefix => config["OpenData:OcidPrefix"] is { Length: > 0 } p ? p : "ocds-000000";

    public string Ocid(Tender t) => $"{OcidPrefix}-{t.Id}";

    private static IQueryable<Tender> Published(TradingDbContext db) =>
        db.Tenders.AsNoTracking().Include(t => t.Lots).Include(t => t.Documents).Where(t => t.Step >= LifecycleStep.NoticePublished && t.PublishedAt != null);

    /// <summary>Published tenders with what may be said of them now; <paramref name="only"/> limits it to one.</summary>
    public async Task<List<PublicTender>> PublishedAsync(Guid? only, CancellationToken ct)
    {
        var q = Published(db);
        if (only is { } id) q = q.Where(t => t.Id == id);
        var tenders = await q.OrderBy(t => t.PublishedAt).ToListAsync(ct);
        var ids = tenders.Select(t => t.Id).ToList();
        var orgIds = tenders.Select(t => t.OwnerOrganisationId).Concat(tenders.Where(t => t.AgentOrganisationId != null).Select(t => t.AgentOrganisationId!.Value)).Distinct().ToList();
        var orgs = await db.Organisations.AsNoTracking().Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
        var opened = await db.Set<KeyCeremony>().AsNoTracking().Where(c => ids.Contains(c.TenderId) && c.OpenedAt != null)
            .GroupBy(c => c.TenderId).Select(g => new { g.Key, At = g.Min(c => c.OpenedAt) }).ToDictionaryAsync(x => x.Key, x => x.At, ct);
        var bidders = await db.Set<Bid>().AsNoTracking().Where(b => ids.Contains(b.TenderId) && b.Status == BidStatus.Valid)
            .GroupBy(b => b.TenderId).Select(g => new { g.Key, Firms = g.Select(b => b.FirmId).Distinct().Count() }).ToDictionaryAsync(x => x.Key, x => x.Firms, ct);
        var archived = await db.LogEntries.AsNoTracking().Where(e => e.TenderId != null && ids.Contains(e.TenderId.Value) && e.Type == ArchiveService.ArchivedType)
            .Select(e => new { e.TenderId, e.RecordedAt }).ToListAsync(ct);
        // Awards and contracts are public once made (the award notice names the winner: Regulations art. 54, 57).
        var awards = await db.Set<LotAward>().AsNoTracking().Where(a => ids.Contains(a.TenderId)).ToListAsync(ct);
        var contracts = await db.Set<LotContract>().AsNoTracking().Where(c => ids.Contains(c.TenderId)).ToListAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        return tenders.Select(t =>
        {
            var openedAt = opened.GetValueOrDefault(t.Id);
            // The count exists only once the domain says it may be told; otherwise it is not even computed into the answer.
            int? count = ArchiveRules.MayShowBidCount(t, now, openedAt is not null) ? bidders.GetValueOrDefault(t.Id) : null;
            return new PublicTender(t, orgs.GetValueOrDefault(t.OwnerOrganisationId), t.AgentOrganisationId is { } a ? orgs.GetValueOrDefault(a) : null,
                count, openedAt, archived.FirstOrDefault(x => x.TenderId == t.Id)?.RecordedAt,
                awards.Where(a => a.TenderId == t.Id).OrderBy(a => a.AwardedAt).ToList(), contracts.Where(c => c.TenderId == t.Id).OrderBy(c => c.UploadedAt).ToList());
        }).ToList();
    }

    private static string Date(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static JsonObject Value(long fen) => new() { ["amount"] = Money.Yuan(fen), ["currency"] = "CNY" };

    private static string PartyId(Guid orgId) => "org-" + orgId.ToString("N");

    /// <summary>The releases of one tender, oldest first: the notice, then the close of bidding (with the count) once it may be told.</summary>
    public List<JsonObject> Releases(PublicTender p)
    {
        var t = p.Tender;
        var ocid = Ocid(t);
        var releases = new List<JsonObject>
        {
            Release(p, $"{ocid}-tender", t.PublishedAt!.Value, "tender", "active", withCount: false),
        };
        if (p.Bidders is not null)
        {
            var at = p.OpenedAt ?? t.BidDeadline;
            releases.Add(Release(p, $"{ocid}-bidding-closed", at, "tenderUpdate", t.Failed ? "unsuccessful" : "active", withCount: true));
        }
        // The award and contract stages: one release per award and per contract, each a snapshot as of its date.
        foreach (var a in p.Awards)
            releases.Add(Release(p, $"{ocid}-award-{a.Id:N}", a.AwardedAt, "award", "complete", withCount: p.Bidders is not null));
        foreach (var c in p.Contracts)
            releases.Add(Release(p, $"{ocid}-contract-{c.Id:N}", c.UploadedAt, "contract", "complete", withCount: p.Bidders is not null));
        return releases;
    }

    private JsonObject Release(PublicTender p, string id, DateTime date, string tag, string status, bool withCount)
    {
        var t = p.Tender;
        var parties = new JsonArray();
        if (p.Owner is { } owner)
            parties.Add(Party(owner, p.Agent is null ? ["buyer", "procuringEntity"] : ["buyer"]));
        if (p.Agent is { } agent)
            parties.Add(Party(agent, ["procuringEntity"]));
        var procuring = p.Agent ?? p.Owner;
        var tender = new JsonObject
        {
            ["id"] = t.Code,
            ["title"] = t.Title,
            ["status"] = status,
            ["procurementMethod"] = "open",
            ["procurementMethodDetails"] = texts["OpenData.MethodOpen"],
            ["awardCriteria"] = t.EvaluationMethod == EvaluationMethod.ComprehensiveScoring ? "ratedCriteria" : "lowestCost",
            ["submissionMethod"] = new JsonArray("electronicSubmission"),
            ["value"] = Value(t.TotalEstimatedPriceFen),
            ["tenderPeriod"] = new JsonObject { ["startDate"] = Date(t.DocumentsFirstIssuedAt ?? t.PublishedAt!.Value), ["endDate"] = Date(t.BidDeadline) },
            ["lots"] = new JsonArray([.. t.Lots.OrderBy(l => l.Number).Select(l => (JsonNode)new JsonObject
            {
                ["id"] = "L" + l.Number.ToString(CultureInfo.InvariantCulture),
                ["title"] = l.Name,
                ["value"] = Value(l.EstimatedPriceFen),
                ["status"] = withCount && (t.Failed || l.FailedReason is not null) ? "unsuccessful" : "active",
            })]),
            ["documents"] = new JsonArray([.. t.Documents.Where(d => !d.Superseded && d.FiledAt <= date).OrderBy(d => d.FiledAt).Select(d => (JsonNode)new JsonObject
            {
                ["id"] = d.Id.ToString(),
                ["documentType"] = "biddingDocuments",
                ["title"] = d.FileName,
                ["format"] = d.ContentType,
                ["datePublished"] = Date(d.FiledAt),
            })]),
        };
        if (t.Description is { Length: > 0 } description) tender["description"] = description;
        if (t.Category == ProcurementCategory.ConstructionWorks) tender["mainProcurementCategory"] = "works";
        if (procuring is not null) tender["procuringEntity"] = new JsonObject { ["id"] = PartyId(procuring.Id), ["name"] = procuring.Name };
        if (withCount)
        {
            tender["numberOfTenderers"] = p.Bidders!.Value;
            if (t.Failed && BiddingPeriod.Decode(t.FailedReason) is { } why) tender["statusDetails"] = texts.Explain(why);
        }
        var release = new JsonObject
        {
            ["ocid"] = Ocid(t),
            ["id"] = id,
            ["date"] = Date(date),
            ["tag"] = new JsonArray(tag),
            ["initiationType"] = "tender",
            ["language"] = CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.Ordinal) ? "zh" : "en",
            ["parties"] = parties,
            ["tender"] = tender,
        };
        if (p.Owner is { } buyer) release["buyer"] = new JsonObject { ["id"] = PartyId(buyer.Id), ["name"] = buyer.Name };
        var awards = p.Awards.Where(a => a.AwardedAt <= date).ToList();
        if (awards.Count > 0)
        {
            string LotId(Guid lotId) => "L" + (t.Lots.FirstOrDefault(l => l.Id == lotId)?.Number ?? 0).ToString(CultureInfo.InvariantCulture);
            release["awards"] = new JsonArray([.. awards.Select(a =>
            {
                var award = new JsonObject
                {
                    ["id"] = a.Id.ToString(),
                    ["title"] = t.Lots.FirstOrDefault(l => l.Id == a.LotId)?.Name,
                    ["status"] = "active",
                    ["date"] = Date(a.AwardedAt),
                    ["value"] = Value(a.PriceFen),
                    ["suppliers"] = new JsonArray(new JsonObject { ["id"] = PartyId(a.WinnerFirmId), ["name"] = a.WinnerName }),
                    ["relatedLots"] = new JsonArray(LotId(a.LotId)),
                };
                if (a.DurationDays is { } days) award["contractPeriod"] = new JsonObject { ["durationInDays"] = days };
                return (JsonNode)award;
            })]);
            foreach (var winner in awards.DistinctBy(a => a.WinnerFirmId))
                parties.Add(new JsonObject { ["id"] = PartyId(winner.WinnerFirmId), ["name"] = winner.WinnerName, ["roles"] = new JsonArray("supplier", "tenderer") });
        }
        var contracts = p.Contracts.Where(c => c.UploadedAt <= date).ToList();
        if (contracts.Count > 0)
        {
            release["contracts"] = new JsonArray([.. contracts.Select(c => (JsonNode)new JsonObject
            {
                ["id"] = c.Id.ToString(),
                ["awardID"] = c.AwardId.ToString(),
                ["title"] = t.Lots.FirstOrDefault(l => l.Id == c.LotId)?.Name,
                ["status"] = "active",
                ["value"] = Value(c.PriceFen),
                ["dateSigned"] = Date(c.SignedOn.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)),
                ["period"] = new JsonObject { ["durationInDays"] = c.DurationDays },
            })]);
        }
        return release;
    }

    private static JsonObject Party(Organisation o, string[] roles)
    {
        var party = new JsonObject { ["id"] = PartyId(o.Id), ["name"] = o.Name, ["roles"] = new JsonArray([.. roles.Select(r => (JsonNode)r)]) };
        if (o.Address is { Length: > 0 } address) party["address"] = new JsonObject { ["streetAddress"] = address, ["countryName"] = "CN" };
        return party;
    }

    /// <summary>A release package (OCDS 1.1) of the given tenders' releases.</summary>
    public JsonObject Package(IEnumerable<PublicTender> tenders, string uri)
    {
        var releases = tenders.SelectMany(Releases).ToList();
        var published = releases.Count == 0 ? clock.GetUtcNow().UtcDateTime
            : releases.Max(r => DateTime.Parse(r["date"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal));
        return new JsonObject
        {
            ["uri"] = uri,
            ["version"] = "1.1",
            ["publishedDate"] = Date(published),
            ["publisher"] = new JsonObject { ["name"] = platform.Value.CentreName is { Length: > 0 } name ? name : texts["OpenData.Publisher"] },
            ["releases"] = new JsonArray([.. releases]),
        };
    }
}
