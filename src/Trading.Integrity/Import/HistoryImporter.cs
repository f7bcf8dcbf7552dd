using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.VisualBasic.FileIO;
using Trading.Integrity.Model;

namespace Trading.Integrity.Import;

/// <summary>What an import read and what it skipped (row or release, and why).</summary>
/// <param name="History">The lots read, oldest first.</param>
/// <param name="Bids">Bids read.</param>
/// <param name="Skipped">Rows or releases left out, each with its reason.</param>
public sealed record HistoryImport(MarketHistory History, int Bids, IReadOnlyList<HistorySkip> Skipped);

/// <summary>
/// A row or release left out: where (a CSV line, or an ocid, lot or bid id), why (one of <see cref="HistorySkip"/>'s
/// reason constants, so a page can say it in its reader's language) and the offending value. <see cref="ToString"/> is
/// the English sentence the command line prints.
/// </summary>
public sealed record HistorySkip(int? Line, string? Id, string Reason, string? Value = null)
{
    /// <summary>A CSV row whose quotation marks do not close.</summary>
    public const string MalformedQuotes = "malformed-quotes";
    /// <summary>A CSV row without a lot or a firm.</summary>
    public const string NoLotOrFirm = "no-lot-or-firm";
    /// <summary>A price that is not a positive amount (the value given).</summary>
    public const string Price = "price";
    /// <summary>An opening date that is not a date (the value given).</summary>
    public const string OpeningDate = "opening-date";
    /// <summary>A status that is none of the known ones (the value given).</summary>
    public const string Status = "status";
    /// <summary>An OCDS release without ocid.</summary>
    public const string NoOcid = "no-ocid";
    /// <summary>An OCDS process without a tender.</summary>
    public const string NoTender = "no-tender";
    /// <summary>An OCDS process without a tender period end or release date.</summary>
    public const string NoDate = "no-date";
    /// <summary>An OCDS bid without tenderer, positive value or lot (the bid id).</summary>
    public const string BidIncomplete = "bid-incomplete";
    /// <summary>An OCDS lot without bids (the bids extension is missing).</summary>
    public const string NoBids = "no-bids";

    /// <summary>The English sentence, e.g. <c>line 5: price "x" is not a positive amount</c>.</summary>
    public override string ToString()
    {
        var where = Line is { } l ? $"line {l}" : Id;
        var why = Reason switch
        {
            MalformedQuotes => "malformed quotes",
            NoLotOrFirm => "no lot or firm",
            Price => $"price \"{Value}\" is not a positive amount",
            OpeningDate => $"opening date \"{Value}\" is not a date",
            Status => $"status \"{Value}\" is not one of valid, rejected, withdrawn_before_deadline, withdrawn_after_deadline, withdrawn_after_opening",
            NoOcid => "a release without ocid",
            NoTender => "no tender",
            NoDate => "no tender period end or release date",
            BidIncomplete => $"bid {Value} without tenderer, positive value or lot",
            NoBids => "no bids (the bids extension is needed)",
            _ => Reason,
        };
        return where is null ? why : $"{where}: {why}";
    }
}

/// <summary>
/// Reads a centre's past results so that the price and history screens have a baseline from the first day: a CSV with
/// one row per bid (English or Chinese headers), or an OCDS release package with the bids and lots extensions. Bad rows
/// are skipped with a reason; a file that cannot be a history at all is refused with <see cref="IntegrityInputException"/>.
/// </summary>
public static class HistoryImporter
{
    /// <summary>Accepted header names per column (lower case); the first is the canonical one.</summary>
    private static readonly (string Column, string[] Names, bool Required)[] Columns =
    [
        ("lot", ["lot_id", "lot", "标段编号", "标段"], true),
        ("firm", ["firm_id", "firm", "bidder", "投标人", "投标人编号", "统一社会信用代码"], true),
        ("price", ["price", "bid_price", "投标报价", "报价"], true),
        ("opened", ["opened_at", "opening_date", "date", "开标时间", "开标日期"], true),
        ("category", ["category", "类别", "项目类别"], false),
        ("region", ["region", "地区", "区域"], false),
        ("buyer", ["buyer", "招标人", "采购人"], false),
        ("control", ["control_price", "max_price", "招标控制价", "最高投标限价"], false),
        ("estimate", ["estimate", "estimated_price", "估算价", "预算金额"], false),
        ("status", ["status", "状态"], false),
        ("winner", ["winner", "won", "中标", "是否中标"], false),
        ("firm_region", ["firm_region", "投标人地区"], false),
    ];

    /// <summary>Reads a CSV history (UTF-8, comma separated, header row).</summary>
    /// <exception cref="IntegrityInputException">No header, or a required column (lot, firm, price, opening date) is missing.</exception>
    public static HistoryImport ReadCsv(Stream csv)
    {
        ArgumentNullException.ThrowIfNull(csv);
        using var reader = new StreamReader(csv, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        // The framework's RFC 4180 reader (quoted fields with commas and line breaks); no package needed.
        using var parser = new TextFieldParser(reader) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true, TrimWhiteSpace = true };
        parser.SetDelimiters(",");
        string[]? header;
        try
        {
            header = parser.ReadFields();
        }
        catch (MalformedLineException)
        {
            header = null;
        }
        if (header is not { Length: > 1 })
        {
            throw new IntegrityInputException("history.csv.header", "The file has no header row of comma-separated column names.");
        }
        var at = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Length; i++)
        {
            var name = header[i].Trim().TrimStart('\uFEFF').ToLowerInvariant();
            foreach (var (column, names, _) in Columns)
            {
                if (names.Contains(name) && !at.ContainsKey(column))
                {
                    at[column] = i;
                }
            }
        }
        var missing = Columns.Where(c => c.Required && !at.ContainsKey(c.Column)).Select(c => c.Names[0]).ToList();
        if (missing.Count > 0)
        {
            throw new IntegrityInputException("history.csv.column-missing", $"Required column(s) missing: {string.Join(", ", missing)}.");
        }
        var skipped = new List<HistorySkip>();
        var lots = new Dictionary<string, LotBuilder>(StringComparer.Ordinal);
        var firmRegions = new Dictionary<string, string>(StringComparer.Ordinal);
        while (!parser.EndOfData)
        {
            var line = parser.LineNumber;
            string[] fields;
            try
            {
                fields = parser.ReadFields() ?? [];
            }
            catch (MalformedLineException e)
            {
                skipped.Add(new HistorySkip(checked((int)e.LineNumber), null, HistorySkip.MalformedQuotes));
                continue;
            }
            string Get(string column) => at.TryGetValue(column, out var i) && i < fields.Length ? fields[i].Trim() : "";
            var lotId = Get("lot");
            var firm = Get("firm");
            if (lotId.Length == 0 || firm.Length == 0)
            {
                skipped.Add(new HistorySkip(checked((int)line), null, HistorySkip.NoLotOrFirm));
                continue;
            }
            if (Money(Get("price")) is not { } price || price <= 0)
            {
                skipped.Add(new HistorySkip(checked((int)line), null, HistorySkip.Price, Get("price")));
                continue;
            }
            if (!DateTimeOffset.TryParse(Get("opened"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var opened))
            {
                skipped.Add(new HistorySkip(checked((int)line), null, HistorySkip.OpeningDate, Get("opened")));
                continue;
            }
            if (Status(Get("status")) is not { } status)
            {
                skipped.Add(new HistorySkip(checked((int)line), null, HistorySkip.Status, Get("status")));
                continue;
            }
            if (!lots.TryGetValue(lotId, out var lot))
            {
                lots[lotId] = lot = new LotBuilder(lotId, opened);
            }
            lot.Category ??= Blank(Get("category"));
            lot.Region ??= Blank(Get("region"));
            lot.Buyer ??= Blank(Get("buyer"));
            lot.Control ??= Money(Get("control"));
            lot.Estimate ??= Money(Get("estimate"));
            lot.Bids.Add(new HistoricBid(firm, price, status));
            if (Truthy(Get("winner")))
            {
                lot.Winner ??= firm;
            }
            if (Blank(Get("firm_region")) is { } fr)
            {
                firmRegions[firm] = fr;
            }
        }
        var built = lots.Values.Select(l => l.Build()).OrderBy(l => l.OpenedAt).ToList();
        return new HistoryImport(new MarketHistory(built) { FirmRegions = firmRegions }, built.Sum(l => l.Bids.Count), skipped);
    }

    /// <summary>
    /// Reads an OCDS release package (or a record package's compiled releases): per lot (tender.lots, or the tender as one
    /// lot) the bids of the bids extension (bids.details: tenderers, value, status, relatedLots), the winner from active
    /// awards, tender.value as the estimate, tender.maximumValue as the control price, the buyer and its region.
    /// Several releases of one process are merged in date order; later values win.
    /// </summary>
    /// <exception cref="IntegrityInputException">Not JSON, or neither "releases" nor "records" is present.</exception>
    public static HistoryImport ReadOcds(Stream json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new IntegrityInputException("history.ocds.json", $"The file is not JSON: {e.Message}");
        }
        using (doc)
        {
            var releases = new List<JsonElement>();
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("releases", out var r) && r.ValueKind == JsonValueKind.Array)
            {
                releases.AddRange(r.EnumerateArray());
            }
            else if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("records", out var recs) && recs.ValueKind == JsonValueKind.Array)
            {
                releases.AddRange(recs.EnumerateArray().Where(x => x.TryGetProperty("compiledRelease", out _)).Select(x => x.GetProperty("compiledRelease")));
            }
            else
            {
                throw new IntegrityInputException("history.ocds.package", "The file is neither an OCDS release package nor a record package.");
            }
            var skipped = new List<HistorySkip>();
            var lots = new Dictionary<string, LotBuilder>(StringComparer.Ordinal);
            var processes = releases.Where(x => x.ValueKind == JsonValueKind.Object)
                .GroupBy(x => Str(x, "ocid") ?? "").OrderBy(g => g.Key, StringComparer.Ordinal);
            foreach (var process in processes)
            {
                if (process.Key.Length == 0)
                {
                    skipped.Add(new HistorySkip(null, null, HistorySkip.NoOcid));
                    continue;
                }
                var ordered = process.OrderBy(x => Str(x, "date") ?? "", StringComparer.Ordinal).ToList();
                ReadProcess(process.Key, ordered, lots, skipped);
            }
            var built = lots.Values.Where(l => l.Bids.Count > 0).Select(l => l.Build()).OrderBy(l => l.OpenedAt).ToList();
            skipped.AddRange(lots.Values.Where(l => l.Bids.Count == 0).Select(l => new HistorySkip(null, l.LotId, HistorySkip.NoBids)));
            return new HistoryImport(new MarketHistory(built), built.Sum(l => l.Bids.Count), skipped);
        }
    }

    private static void ReadProcess(string ocid, List<JsonElement> releases, Dictionary<string, LotBuilder> lots, List<HistorySkip> skipped)
    {
        // Latest value of each part wins: the process as it stands after its last release.
        JsonElement? tender = null, bids = null, awards = null, buyer = null, parties = null;
        DateTimeOffset? date = null;
        foreach (var r in releases)
        {
            if (r.TryGetProperty("tender", out var t)) tender = t;
            if (r.TryGetProperty("bids", out var b)) bids = b;
            if (r.TryGetProperty("awards", out var a)) awards = a;
            if (r.TryGetProperty("buyer", out var by)) buyer = by;
            if (r.TryGetProperty("parties", out var p)) parties = p;
            if (Date(Str(r, "date")) is { } d) date = d;
        }
        if (tender is not { } tn)
        {
            skipped.Add(new HistorySkip(null, ocid, HistorySkip.NoTender));
            return;
        }
        var opened = Date(Path(tn, "tenderPeriod", "endDate")) ?? date;
        if (opened is null)
        {
            skipped.Add(new HistorySkip(null, ocid, HistorySkip.NoDate));
            return;
        }
        var buyerId = buyer is { } bu ? Str(bu, "id") : null;
        var region = parties is { ValueKind: JsonValueKind.Array } ps
            ? ps.EnumerateArray().Where(x => Str(x, "id") == buyerId).Select(x => Path(x, "address", "region")).FirstOrDefault(x => x is not null)
            : null;
        region ??= tn.TryGetProperty("deliveryAddresses", out var da) && da.ValueKind == JsonValueKind.Array
            ? da.EnumerateArray().Select(x => Str(x, "region")).FirstOrDefault(x => x is not null) : null;
        var category = Str(tn, "mainProcurementCategory") ?? "";
        var tenderLots = tn.TryGetProperty("lots", out var tl) && tl.ValueKind == JsonValueKind.Array && tl.GetArrayLength() > 0
            ? tl.EnumerateArray().Select(x => (Id: Str(x, "id") ?? "", Estimate: Amount(x, "value"), Control: Amount(x, "maximumValue"))).Where(x => x.Id.Length > 0).ToList()
            : [("", Amount(tn, "value"), Amount(tn, "maximumValue"))];
        var single = tenderLots.Count == 1;
        foreach (var (id, estimate, control) in tenderLots)
        {
            var key = single ? ocid : $"{ocid}/{id}";
            lots[key] = new LotBuilder(key, opened.Value)
            {
                Category = category, Region = region, Buyer = buyerId, Estimate = estimate ?? (single ? Amount(tn, "value") : null),
                Control = control ?? (single ? Amount(tn, "maximumValue") : null),
            };
        }
        LotBuilder? LotOf(JsonElement x)
        {
            if (single) return lots[ocid];
            var related = x.TryGetProperty("relatedLots", out var rl) && rl.ValueKind == JsonValueKind.Array
                ? rl.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : null).FirstOrDefault() : null;
            return related is not null && lots.TryGetValue($"{ocid}/{related}", out var l) ? l : null;
        }
        if (bids is { } bd && bd.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
        {
            foreach (var d in details.EnumerateArray())
            {
                var firm = d.TryGetProperty("tenderers", out var ts) && ts.ValueKind == JsonValueKind.Array
                    ? ts.EnumerateArray().Select(x => Str(x, "id")).FirstOrDefault(x => x is not null) : null;
                var amount = Amount(d, "value");
                var lot = LotOf(d);
                if (firm is null || amount is not > 0 || lot is null)
                {
                    skipped.Add(new HistorySkip(null, ocid, HistorySkip.BidIncomplete, Str(d, "id") ?? "?"));
                    continue;
                }
                lot.Bids.Add(new HistoricBid(firm, amount.Value, Str(d, "status") switch
                {
                    "disqualified" => HistoricBidStatus.Rejected,
                    "withdrawn" => HistoricBidStatus.WithdrawnAfterDeadline,
                    _ => HistoricBidStatus.Valid,
                }));
            }
        }
        if (awards is { ValueKind: JsonValueKind.Array } aw)
        {
            foreach (var a in aw.EnumerateArray().Where(a => Str(a, "status") is null or "active"))
            {
                var supplier = a.TryGetProperty("suppliers", out var s) && s.ValueKind == JsonValueKind.Array
                    ? s.EnumerateArray().Select(x => Str(x, "id")).FirstOrDefault(x => x is not null) : null;
                if (supplier is not null && LotOf(a) is { } lot)
                {
                    lot.Winner ??= supplier;
                }
            }
        }
    }

    private sealed class LotBuilder(string lotId, DateTimeOffset opened)
    {
        public string LotId { get; } = lotId;
        public string? Category { get; set; }
        public string? Region { get; set; }
        public string? Buyer { get; set; }
        public decimal? Control { get; set; }
        public decimal? Estimate { get; set; }
        public string? Winner { get; set; }
        public List<HistoricBid> Bids { get; } = [];

        public HistoricLot Build() => new(LotId, Category ?? "", opened, Bids.ToList(), Winner)
        {
            ControlPrice = Control, Estimate = Estimate, Region = Region, Buyer = Buyer,
        };
    }

    private static string? Blank(string s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static decimal? Money(string s)
    {
        var cleaned = s.Replace(",", "", StringComparison.Ordinal).Replace("¥", "", StringComparison.Ordinal).Replace("元", "", StringComparison.Ordinal).Trim();
        return decimal.TryParse(cleaned, NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    private static bool Truthy(string s) => s.ToLowerInvariant() is "1" or "true" or "yes" or "y" or "是" or "中标";

    private static HistoricBidStatus? Status(string s) => s.ToLowerInvariant().Replace('-', '_').Replace(' ', '_') switch
    {
        "" or "valid" or "有效" => HistoricBidStatus.Valid,
        "rejected" or "invalid" or "否决" or "无效" => HistoricBidStatus.Rejected,
        "withdrawn_before_deadline" or "截止前撤回" => HistoricBidStatus.WithdrawnBeforeDeadline,
        "withdrawn_after_deadline" or "截止后撤回" => HistoricBidStatus.WithdrawnAfterDeadline,
        "withdrawn_after_opening" or "开标后撤回" => HistoricBidStatus.WithdrawnAfterOpening,
        _ => null,
    };

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string? Path(JsonElement e, string a, string b) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(a, out var x) ? Str(x, b) : null;

    private static decimal? Amount(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object &&
        v.TryGetProperty("amount", out var a) && a.ValueKind == JsonValueKind.Number && a.TryGetDecimal(out var d) ? d : null;

    private static DateTimeOffset? Date(string? s) =>
        s is not null && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : null;
}
