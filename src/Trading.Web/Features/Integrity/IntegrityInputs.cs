using System.IO.Compression;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Bidding;
using Trading.Integrity;
using Trading.Integrity.Documents;
using Trading.Integrity.Model;
using Trading.Integrity.Screens;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Integrity;

public sealed class IntegrityOptions
{
    /// <summary>Largest attachment read into the screens; bigger ones are skipped with a note (their hash is not taken either).</summary>
    public long MaxAttachmentBytes { get; set; } = 32L * 1024 * 1024;
    /// <summary>Largest total of attachments read per bid.</summary>
    public long MaxBidAttachmentBytes { get; set; } = 128L * 1024 * 1024;
    /// <summary>Most files read from one bid's package; a package with more is screened on its first ones, with a note.</summary>
    public int MaxArchiveEntries { get; set; } = 2000;
    /// <summary>An entry inflating more than this many times its compressed size is a bomb, skipped with a note.</summary>
    public double MaxCompressionRatio { get; set; } = 200;
    /// <summary>How many past bids with kept packages feed the document baseline (most recent first).</summary>
    public int DocumentBaselineBids { get; set; } = 300;
    /// <summary>
    /// A folder of the centre's past results from before the platform (*.csv one row per bid, *.json OCDS packages), read
    /// by <see cref="Trading.Integrity.Import.HistoryImporter"/> into every run's history, so the price and history screens
    /// have a baseline from the first day. Unset: <c>history</c> in the data folder, where the import page puts them.
    /// </summary>
    public string? HistoryImportFolder { get; set; }
    /// <summary>Largest past-results file the import page takes.</summary>
    public long MaxHistoryFileBytes { get; set; } = 64L * 1024 * 1024;
    /// <summary>How often the screening job looks for opened tenders without a screen run.</summary>
    public TimeSpan JobPeriod { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>A note of the web app on input it could not hand to the screens (a package missing or not a ZIP, a file too large).</summary>
public sealed record WebNote(Guid BidId, string? FileName, string Key, IReadOnlyList<string> Args);

/// <summary>One lot as the screens see it, with the platform's ids to map findings back.</summary>
public sealed record LotInput(Lot Lot, OpenedLot Screen, IReadOnlyList<WebNote> Notes, IReadOnlyList<(Guid FirmId, long PriceFen)> Prices);

/// <summary>
/// Fills Trading.Integrity's input model from what the platform holds. Only what identifies is compared: ID numbers
/// (hashed as the opening stored them), accounts, registered phones and e-mails, credit codes. Names alone are never
/// treated as the same person (common names recur), so key staff given only by name and shareholders who are persons
/// (the registry keeps their names, not ID numbers) are not compared; shareholders that are registered firms are.
/// </summary>
public sealed class IntegrityInputs(TradingDbContext db, IFileStore files, IOptions<IntegrityOptions> options, HistoryFolder historyFolder)
{
    private IntegrityOptions O => options.Value;

    public async Task<List<LotInput>> LotsAsync(Tender tender, DateTime? openedAt, CancellationToken ct)
    {
        var bids = await db.Set<Bid>().AsNoTracking()
            .Where(b => b.TenderId == tender.Id && b.Status == BidStatus.Valid && b.OpeningStatus != null).ToListAsync(ct);
        var firmIds = bids.Select(b => b.FirmId).Distinct().ToList();
        var orgs = await db.Organisations.AsNoTracking().Include(o => o.Shareholders).Where(o => firmIds.Contains(o.Id)).ToListAsync(ct);
        var byName = await FirmsByNameAsync(orgs.SelectMany(o => o.Shareholders).Select(s => s.Name.Trim()).Distinct().ToList(), ct);
        var firms = orgs.Select(o => ToFirm(o, byName)).ToList();
        var templates = await TemplatesAsync(tender.Id, ct);
        var result = new List<LotInput>();
        foreach (var lot in tender.Lots.OrderBy(l => l.Number))
        {
            var notes = new List<WebNote>();
            var screenBids = new List<OpenedBid>();
            var prices = new List<(Guid, long)>();
            foreach (var b in bids.Where(b => b.LotId == lot.Id).OrderBy(b => b.LogIndex))
            {
                // A bid whose envelope or form failed at the opening has no price to screen; the opening record says why.
                if (b.OpeningStatus != BidOpeningStatus.Opened || b.PriceFen is not > 0)
                {
                    notes.Add(new WebNote(b.Id, null, "Integrity.Note.NotOpened", [b.OpeningStatus?.ToString() ?? ""]));
                    continue;
                }
                prices.Add((b.FirmId, b.PriceFen.Value));
                screenBids.Add(new OpenedBid
                {
                    BidId = b.Id.ToString(), FirmId = b.FirmId.ToString(), Price = b.PriceFen.Value / 100m,
                    // Users belong to one organisation, so a shared account means a shared login handed between firms.
                    Agent = new BidAgent(PlatformAccount: b.SubmittedByUserId.ToString()),
                    ProjectManagerIdNumber = b.ProjectManagerIdHash,
                    Uploads = string.IsNullOrWhiteSpace(b.IpAddress) ? [] : [new UploadEvent(b.IpAddress, new DateTimeOffset(b.SubmittedAt, TimeSpan.Zero), b.UserAgent)],
                    BondPayments = Account(b.BondAccount) is { } acct ? [new BondPayment(acct, lot.BidBondFen / 100m, new DateTimeOffset(b.SubmittedAt, TimeSpan.Zero))] : [],
                    Attachments = await AttachmentsAsync(b, notes, ct),
                });
            }
            var screen = new OpenedLot
            {
                LotId = lot.Id.ToString(), TenderId = tender.Id.ToString(), Category = tender.Category.ToString(),
                OpenedAt = openedAt is { } at ? new DateTimeOffset(at, TimeSpan.Zero) : null,
                Bids = screenBids, Firms = firms, TenderTemplates = templates,
                // A bid-specific document names the project; only such a file can make an identical attachment conclusive.
                ProjectReferences = [tender.Code, tender.Title, ShortTitle(tender.Title)],
                Estimate = lot.EstimatedPriceFen > 0 ? lot.EstimatedPriceFen / 100m : null,
                ControlPrice = lot.ControlPriceFen is > 0 ? lot.ControlPriceFen / 100m : null,
                Region = tender.Region,
                Buyer = tender.OwnerOrganisationId.ToString(),
            };
            result.Add(new LotInput(lot, screen, notes, prices));
        }
        return result;
    }

    private static string? Account(string? a)
    {
        if (string.IsNullOrWhiteSpace(a)) return null;
        var digits = new string(a.Where(char.IsLetterOrDigit).ToArray()).ToUpperInvariant();
        return digits.Length == 0 ? null : digits;
    }

    private async Task<Dictionary<string, Guid>> FirmsByNameAsync(List<string> names, CancellationToken ct) =>
        names.Count == 0 ? [] : (await db.Organisations.AsNoTracking().Where(o => o.Kind == OrganisationKind.BidderFirm && names.Contains(o.Name))
            .Select(o => new { o.Name, o.Id }).ToListAsync(ct)).GroupBy(x => x.Name).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single().Id);

    private static RegisteredFirm ToFirm(Organisation o, Dictionary<string, Guid> firmsByName) => new()
    {
        FirmId = o.Id.ToString(), Name = o.Name, CreditCode = Blank(o.CreditCode),
        LegalRepresentativeIdNumber = Blank(o.LegalRepresentativeIdNumber)?.ToUpperInvariant(), LegalRepresentativeName = o.LegalRepresentative,
        Shareholders = o.Shareholders.Where(s => firmsByName.ContainsKey(s.Name.Trim()))
            .Select(s => new RegisteredShareholder(firmsByName[s.Name.Trim()].ToString(), s.Name, s.ShareBasisPoints / 100m)).ToList(),
        Phones = Blank(o.ContactPhone) is { } p ? [p] : [],
        Emails = Blank(o.ContactEmail) is { } e ? [e] : [],
    };

    /// <summary>The title without a trailing remark in brackets ("…工程（二次）"): documents name the project, not the remark.</summary>
    private static string ShortTitle(string title)
    {
        var cut = title.IndexOfAny(['（', '(']);
        return cut > 0 ? title[..cut].Trim() : title;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>The tender's current documents: a copy of a form the tender hands out is not evidence of anything.</summary>
    private async Task<List<BidAttachment>> TemplatesAsync(Guid tenderId, CancellationToken ct)
    {
        var docs = await db.Set<TenderDocument>().AsNoTracking().Where(d => d.TenderId == tenderId && !d.Superseded && d.Length <= O.MaxAttachmentBytes).ToListAsync(ct);
        var list = new List<BidAttachment>();
        foreach (var d in docs)
        {
            try
            {
                await using var s = files.OpenRead(d.StorageKey);
                list.Add(BidAttachment.FromStream(d.FileName, s));
                // A ZIP of forms: its entries are templates too.
                if (d.FileName.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
                {
                    s.Position = 0;
                    list.AddRange(ReadZip(s, null, null));
                }
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException) { /* a missing template only weakens the template filter */ }
        }
        return list;
    }

    private async Task<List<BidAttachment>> AttachmentsAsync(Bid b, List<WebNote> notes, CancellationToken ct)
    {
        if (b.PackageStorageKey is null)
        {
            notes.Add(new WebNote(b.Id, null, "Integrity.Note.NoPackage", []));
            return [];
        }
        try
        {
            await using var s = files.OpenRead(b.PackageStorageKey);
            await Task.Yield();
            ct.ThrowIfCancellationRequested();
            return ReadZip(s, b.Id, notes);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            notes.Add(new WebNote(b.Id, null, "Integrity.Note.PackageUnreadable", [e.GetType().Name]));
            return [];
        }
    }

    private List<BidAttachment> ReadZip(Stream s, Guid? bidId, List<WebNote>? notes)
    {
        var limits = new ArchiveLimits(O.MaxAttachmentBytes, O.MaxBidAttachmentBytes, O.MaxArchiveEntries, O.MaxCompressionRatio);
        var (entries, skipped) = BoundedArchive.ReadAll(s, limits, name => name != "bid-form.json");
        if (bidId is { } id && notes is not null)
        {
            foreach (var skip in skipped)
                notes.Add(new WebNote(id, skip.Name, "Integrity.Note.Skipped." + skip.Reason, [skip.Bytes.ToString("N0", System.Globalization.CultureInfo.CurrentCulture)]));
        }
        return entries.Select(e => new BidAttachment(e.Name, e.Content)).ToList();
    }

    /// <summary>
    /// The centre's history: every other tender's opened lots (price, firm, withdrawals after the deadline) and, once a lot
    /// is awarded (step 16), its winner, which the rotation and cover screens (H1, H2, H4) need. Subcontracts are not
    /// recorded yet; the co-bidding network (H3) and the price baselines need only bids.
    /// </summary>
    public async Task<MarketHistory> HistoryAsync(Guid exceptTenderId, CancellationToken ct)
    {
        var rows = await (from b in db.Set<Bid>().AsNoTracking()
                          join t in db.Tenders.AsNoTracking() on b.TenderId equals t.Id
                          join l in db.Set<Lot>().AsNoTracking() on b.LotId equals l.Id
                          where b.TenderId != exceptTenderId && b.OpeningStatus == BidOpeningStatus.Opened && b.PriceFen > 0
                          select new { b.LotId, b.FirmId, b.PriceFen, b.Status, b.WithdrawnAt, t.Category, t.OpeningTime, t.BidDeadline, t.OwnerOrganisationId, t.Region, l.EstimatedPriceFen, l.ControlPriceFen })
                         .ToListAsync(ct);
        var winners = await db.Set<Trading.Domain.Award.LotAward>().AsNoTracking().Where(a => a.TenderId != exceptTenderId)
            .ToDictionaryAsync(a => a.LotId, a => a.WinnerFirmId.ToString(), ct);
        var lots = rows.GroupBy(r => r.LotId).Select(g =>
        {
            var first = g.First();
            var bids = g.Select(r => new HistoricBid(r.FirmId.ToString(), r.PriceFen!.Value / 100m,
                r.Status == BidStatus.Withdrawn && r.WithdrawnAt > r.BidDeadline ? HistoricBidStatus.WithdrawnAfterDeadline
                : r.Status == BidStatus.Withdrawn ? HistoricBidStatus.WithdrawnBeforeDeadline : HistoricBidStatus.Valid)).ToList();
            return new HistoricLot(g.Key.ToString(), first.Category.ToString(), new DateTimeOffset(first.OpeningTime, TimeSpan.Zero), bids, winners.GetValueOrDefault(g.Key))
            {
                Estimate = first.EstimatedPriceFen > 0 ? first.EstimatedPriceFen / 100m : null,
                ControlPrice = first.ControlPriceFen is > 0 ? first.ControlPriceFen / 100m : null,
                Region = first.Region,
                Buyer = first.OwnerOrganisationId.ToString(),
            };
        }).ToList();
        var firmRegions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var imported in ImportedHistory())
        {
            lots.AddRange(imported.History.Lots);
            foreach (var (firm, region) in imported.History.FirmRegions) firmRegions[firm] = region;
        }
        return new MarketHistory(lots.OrderBy(l => l.OpenedAt).ToList()) { FirmRegions = firmRegions };
    }

    /// <summary>The imported past results; a file that is not a history is left out (the import check refuses it by rule).</summary>
    private IEnumerable<Trading.Integrity.Import.HistoryImport> ImportedHistory()
    {
        if (!Directory.Exists(historyFolder.Path))
        {
            yield break;
        }
        foreach (var path in Directory.EnumerateFiles(historyFolder.Path).Order(StringComparer.Ordinal))
        {
            Trading.Integrity.Import.HistoryImport? import = null;
            try
            {
                using var s = File.OpenRead(path);
                import = path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? Trading.Integrity.Import.HistoryImporter.ReadCsv(s)
                    : path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? Trading.Integrity.Import.HistoryImporter.ReadOcds(s) : null;
            }
            catch (Exception e) when (e is IntegrityInputException or IOException or UnauthorizedAccessException) { /* not a history: nothing from it */ }
            if (import is not null) yield return import;
        }
    }

    /// <summary>What is normal here: price-screen distributions of past lots, and passages and document properties of recent past bids.</summary>
    public async Task<ScreeningBaseline> BaselineAsync(MarketHistory history, Guid exceptTenderId, CancellationToken ct)
    {
        var prices = history.Lots.Count == 0 ? null : PriceBaseline.Build(history);
        var past = await db.Set<Bid>().AsNoTracking()
            .Where(b => b.TenderId != exceptTenderId && b.PackageStorageKey != null && b.OpeningStatus == BidOpeningStatus.Opened)
            .OrderByDescending(b => b.SubmittedAt).Take(O.DocumentBaselineBids).Select(b => new { b.Id, b.FirmId, b.LotId, b.PackageStorageKey }).ToListAsync(ct);
        DocumentBaseline? documents = null;
        foreach (var b in past)
        {
            try
            {
                await using var s = files.OpenRead(b.PackageStorageKey!);
                var attachments = ReadZip(s, null, null);
                (documents ??= new DocumentBaseline()).AddBid(b.FirmId.ToString(), attachments, b.LotId.ToString());
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException) { /* one unreadable past bid only thins the baseline */ }
            ct.ThrowIfCancellationRequested();
        }
        // Every registered bidder firm's contacts: an agency's address given by many firms is not evidence of one agent.
        var contacts = await db.Organisations.AsNoTracking().Where(o => o.Kind == OrganisationKind.BidderFirm)
            .Select(o => new { o.Id, o.ContactPhone, o.ContactEmail }).ToListAsync(ct);
        var registry = RegistryBaseline.Build(contacts.Select(o => new RegisteredFirm
        {
            FirmId = o.Id.ToString(), Name = "",
            Phones = Blank(o.ContactPhone) is { } p ? [p] : [],
            Emails = Blank(o.ContactEmail) is { } e ? [e] : [],
        }));
        return new ScreeningBaseline(prices, documents, registry);
    }
}
