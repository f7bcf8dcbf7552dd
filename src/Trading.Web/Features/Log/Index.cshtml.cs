using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Log;

/// <summary>
/// The public log for people: newest first, each entry's event in words, its tender by code and its data as a list,
/// with a link to the raw entry (the exact bytes, for verifiers). It shows what the log already publishes, nothing more.
/// </summary>
public sealed class LogIndexModel(TradingDbContext db) : TradingPageModel
{
    public const int PageSize = 50;

    public sealed record Row(long Index, DateTime At, string Type, Guid? TenderId, string? TenderCode, IReadOnlyList<KeyValuePair<string, string>> Data);

    [BindProperty(SupportsGet = true)] public long? Before { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Tender { get; set; }

    public List<Row> Rows { get; private set; } = [];
    public long Size { get; private set; }
    public string? TenderCode { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Size = await db.LogEntries.LongCountAsync(ct);
        var q = db.LogEntries.AsNoTracking();
        if (Tender is { } t)
        {
            q = q.Where(x => x.TenderId == t);
            TenderCode = await db.Tenders.Where(x => x.Id == t && x.Step >= Trading.Domain.LifecycleStep.NoticePublished).Select(x => x.Code).FirstOrDefaultAsync(ct);
        }
        if (Before is { } b) q = q.Where(x => x.Index < b);
        var rows = await q.OrderByDescending(x => x.Index).Take(PageSize).Select(x => new { x.Index, x.RecordedAt, x.Type, x.TenderId, x.Payload }).ToListAsync(ct);
        // Only published tenders are named; an unpublished one's code is not public (its entries stay as the log has them).
        var ids = rows.Where(r => r.TenderId is not null).Select(r => r.TenderId!.Value).Distinct().ToList();
        var codes = await db.Tenders.Where(x => ids.Contains(x.Id) && x.Step >= Trading.Domain.LifecycleStep.NoticePublished).ToDictionaryAsync(x => x.Id, x => x.Code, ct);
        Rows = rows.Select(r => new Row(r.Index, r.RecordedAt, r.Type, r.TenderId, r.TenderId is { } id && codes.TryGetValue(id, out var c) ? c : null, Flatten(r.Payload))).ToList();
    }

    /// <summary>The entry's data as "path: value" pairs, one level of nesting spelled with dots, long values shortened.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Flatten(string payload)
    {
        var list = new List<KeyValuePair<string, string>>();
        try
        {
            using var doc = JsonDocument.Parse(payload);
            if (doc.RootElement.TryGetProperty("data", out var data)) Walk(data, "", list, 0);
        }
        catch (JsonException)
        {
            list.Add(new("", payload.Length > 200 ? payload[..200] + "…" : payload));
        }
        return list;
    }

    private static void Walk(JsonElement e, string path, List<KeyValuePair<string, string>> list, int depth)
    {
        if (list.Count >= 12) return;
        switch (e.ValueKind)
        {
            case JsonValueKind.Object when depth < 2:
                foreach (var p in e.EnumerateObject()) Walk(p.Value, path.Length == 0 ? p.Name : path + "." + p.Name, list, depth + 1);
                break;
            case JsonValueKind.Array:
                list.Add(new(path, $"[{e.GetArrayLength()}]"));
                break;
            default:
                var s = e.ValueKind == JsonValueKind.String ? e.GetString() ?? "" : e.GetRawText();
                list.Add(new(path, s.Length > 80 ? s[..40] + "…" + s[^12..] : s));
                break;
        }
    }
}
