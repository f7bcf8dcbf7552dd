using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Trading.PublicLog;
using Trading.Data;
using Trading.Data.Log;
using Trading.Domain;
using Trading.Web.Api;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Log;

public sealed record StoredCheckpointDto(Guid Id, long Size, string Root, DateTimeOffset Time, string Reason, string Note, string TimeStampToken, string? CosignedNote);
public sealed record CosignedCheckpointDto(long Size, string Root, DateTimeOffset Time, string Note, string Witness, DateTimeOffset CosignedAt);

/// <summary>
/// Receipts, stored checkpoints, witness cosigning and the log downloads. Other features call
/// <see cref="ReceiptIssuer"/> (bid receipts) and <see cref="Checkpoints.CheckpointNowAsync"/> (deadlines, openings).
/// </summary>
public static class LogModule
{
    /// <summary>Rows per database batch when streaming a download: memory stays flat whatever the range.</summary>
    private const int StreamBatch = 2000;

    /// <summary>Most checkpoints one response of /api/log/checkpoints carries.</summary>
    public const int MaxCheckpointsPage = 1000;

    public static IServiceCollection AddLog(this IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton(sp => CentreKeys.LoadOrCreate(config, sp.GetRequiredService<DataFolder>().Path, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IHostEnvironment>()));
        services.AddSingleton(sp => { var k = sp.GetRequiredService<CentreKeys>(); return new LogSigningKey(k.Origin, k.LogSigner); });
        services.AddHttpClient(TimeStamper.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(config.GetValue("PublicLog:TsaTimeoutSeconds", 10)));
        services.AddScoped<TimeStamper>();
        services.AddScoped<ReceiptIssuer>();
        services.AddScoped<Checkpoints>();
        services.AddScheduledJob<CheckpointJob>();
        services.AddScheduledJob<SealedCoverJob>();
        services.AddHostedService<LogDatabaseRole>();
        services.PostConfigure<RazorPagesOptions>(o =>
        {
            // Receipts: signed-in users; the service lets only the owning firm and supervisors read one.
            o.Conventions.AuthorizeFolder("/Log");
            o.Conventions.AllowAnonymousToPage("/Log/Index");
            o.Conventions.AuthorizePage("/Log/Witness", Policies.Supervisor);
        });
        return services;
    }

    public static void MapLog(this WebApplication app)
    {
        app.MapPublicLogApi();
        var pub = app.MapGroup("/api/log").AddEndpointFilter<RuleErrorFilter>().DisableAntiforgery().AllowAnonymous().WithTags("Public log");

        pub.MapGet("/entries.jsonl", async (HttpContext http, long? start, long? end, Guid? tender, TradingDbContext db, EfLogStore store, CancellationToken ct) =>
        {
            var size = await store.GetSizeAsync(ct);
            var s = start ?? 0;
            var e = end ?? size;
            if (s < 0 || e < s) throw Refuse(LogRules.RangeInvalid, s, e);
            if (e > size) throw Refuse("Rule.Log.BeyondTree", "end", e, size);
            http.Response.ContentType = "application/jsonl; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"log-entries-{s}-{e}{(tender is null ? "" : "-" + tender)}.jsonl\"";
            var body = http.Response.BodyWriter.AsStream();
            // Keyset batches in index order: each query is short and memory stays flat for any range.
            for (var from = s; from < e;)
            {
                var q = db.LogEntries.AsNoTracking().Where(x => x.Index >= from && x.Index < e);
                if (tender is { } t) q = q.Where(x => x.TenderId == t);
                // leafHash is the stored level-0 tree node (what proofs are built from), not the row's own column:
                // an entry rewritten together with its column still disagrees with the tree, at its own index.
                var rows = await q.OrderBy(x => x.Index).Take(StreamBatch)
                    .Select(x => new { x.Index, x.Payload, LeafHash = db.LogNodes.Where(n => n.Level == 0 && n.Index == x.Index).Select(n => n.Hash).FirstOrDefault() ?? x.LeafHash })
                    .ToListAsync(ct);
                if (rows.Count == 0) break;
                var sb = new StringBuilder(rows.Count * 400);
                foreach (var r in rows)
                    sb.Append(new LogExportRecord(r.Index, Encoding.UTF8.GetBytes(r.Payload), r.LeafHash).ToJsonLine()).Append('\n');
                await body.WriteAsync(Encoding.UTF8.GetBytes(sb.ToString()), ct);
                await body.FlushAsync(ct);
                from = rows[^1].Index + 1;
            }
            return Results.Empty;
        })
        .WithName("DownloadLogEntries")
        .WithSummary("Log entries [start, end) as JSON Lines, streamed; optionally only one tender's")
        .WithDescription("One canonical JSON object per line: {\"entry\":\"<entry JSON as a string>\",\"index\":N,\"leafHash\":\"<base64>\"}, the file trading verify-log reads. A whole-log download (no tender filter) verifies from index 0; a tender's entries are checked one by one with inclusion proofs.")
        .Produces(StatusCodes.Status200OK, contentType: "application/jsonl").ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        pub.MapGet("/checkpoints", async (HttpContext http, string? limit, string? from, string? after, TradingDbContext db, CancellationToken ct) =>
        {
            // Parameters are bound as text and parsed here, so a malformed one is refused with a rule and a reason
            // (problem+json) like every other refusal, not an empty 400.
            var take = (int)Math.Clamp(ParseParam(limit, "limit", MaxCheckpointsPage), int.MinValue, int.MaxValue);
            if (take < 1 || take > MaxCheckpointsPage) throw Refuse(LogRules.LimitRange, take, MaxCheckpointsPage);
            var minSize = ParseParam(from, "from", 0);
            if (minSize < 0) throw Refuse("Rule.Log.Negative", "from", minSize);
            Guid? cursor = null;
            if (after is not null)
                cursor = after.Length <= 36 && Guid.TryParseExact(after, "D", out var g) ? g : throw Refuse(LogRules.ParamMalformed, "after", Clip(after));

            // Keyset paging in (Size, Time, Id) order. The cursor is the id of the last checkpoint already received;
            // rows that tie with it on (Size, Time) are all fetched and cut in memory at the cursor, in the order the
            // database returned them, so no provider's Guid ordering has to match .NET's.
            var q = db.Set<LogCheckpoint>().AsNoTracking().Where(c => c.Size >= minSize);
            var skipTies = 0;
            if (cursor is { } id)
            {
                var at = await db.Set<LogCheckpoint>().AsNoTracking().Where(c => c.Id == id).Select(c => new { c.Size, c.Time }).FirstOrDefaultAsync(ct)
                    ?? throw Refuse(LogRules.CursorUnknown, id.ToString());
                q = q.Where(c => c.Size > at.Size || (c.Size == at.Size && c.Time >= at.Time));
                skipTies = await db.Set<LogCheckpoint>().CountAsync(c => c.Size == at.Size && c.Time == at.Time, ct);
            }
            var rows = await q.OrderBy(c => c.Size).ThenBy(c => c.Time).ThenBy(c => c.Id)
                .Select(c => new { c.Id, c.Size, c.Time, c.Note }).Take(take + skipTies + 1).ToListAsync(ct);
            if (cursor is { } cut)
            {
                var i = rows.FindIndex(r => r.Id == cut);
                rows = rows.Skip(i + 1).ToList();
            }
            var more = rows.Count > take;
            if (more) rows = rows.Take(take).ToList();
            var ids = rows.Select(r => r.Id).ToList();
            // Cosigned form where there is one: the file then carries the witness's word too (verify-log --witness-cert).
            var cosigned = await db.Set<LogCosignature>().AsNoTracking().Where(w => ids.Contains(w.CheckpointId)).ToDictionaryAsync(w => w.CheckpointId, w => w.CosignedNote, ct);
            if (more)
            {
                var next = $"/api/log/checkpoints?limit={take}&after={rows[^1].Id}" + (minSize > 0 ? $"&from={minSize}" : "");
                http.Response.Headers.Link = $"<{next}>; rel=\"next\"";
                http.Response.Headers["X-Next-After"] = rows[^1].Id.ToString();
            }
            http.Response.Headers.ContentDisposition = "attachment; filename=\"log-checkpoints.json\"";
            return Results.Text(LogVerifier.WriteCheckpoints(rows.Select(r => cosigned.GetValueOrDefault(r.Id) ?? r.Note)), "application/json", Encoding.UTF8);
        })
        .WithName("DownloadLogCheckpoints")
        .WithSummary("Stored signed checkpoints as a JSON array of notes (cosigned where the witness cosigned), in pages")
        .WithDescription("The checkpoints file trading verify-log reads, in size order. At most `limit` (1-1000, default 1000) per response, "
            + "from size `from` (default 0) on. When more follow, a Link header (rel=\"next\") gives the next page and X-Next-After the cursor "
            + "(`after` = id of the last checkpoint received); concatenating the pages' arrays gives the whole file.")
        .Produces<string[]>().ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        pub.MapGet("/checkpoints/stored", async (int? skip, int? count, TradingDbContext db, CancellationToken ct) =>
        {
            var k = skip ?? 0;
            var c = count ?? 100;
            if (k < 0) throw Refuse("Rule.Log.Negative", "skip", k);
            if (c < 1 || c > 1000) throw Refuse("Rule.Log.CountRange", c, 1000);
            var rows = await db.Set<LogCheckpoint>().AsNoTracking().OrderByDescending(x => x.Size).ThenByDescending(x => x.Time).Skip(k).Take(c).ToListAsync(ct);
            var ids = rows.Select(r => r.Id).ToList();
            var cosigned = await db.Set<LogCosignature>().AsNoTracking().Where(w => ids.Contains(w.CheckpointId)).ToDictionaryAsync(w => w.CheckpointId, w => w.CosignedNote, ct);
            return rows.Select(x => new StoredCheckpointDto(x.Id, x.Size, Convert.ToHexStringLower(x.Root), new DateTimeOffset(x.Time, TimeSpan.Zero),
                x.Reason, x.Note, Convert.ToBase64String(x.TimeStampToken), cosigned.GetValueOrDefault(x.Id))).ToList();
        })
        .WithName("GetStoredLogCheckpoints")
        .WithSummary("Stored checkpoints, newest first, with their reason and RFC 3161 token")
        .WithDescription("timeStampToken is base64 DER over SHA-256(\"trading/checkpoint/v1\\n\" || note).")
        .Produces<List<StoredCheckpointDto>>().ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        pub.MapGet("/checkpoint/cosigned", async (Checkpoints checkpoints, CancellationToken ct) =>
        {
            var w = await checkpoints.LatestCosignedAsync(ct);
            if (w is null) return Results.Problem(statusCode: 404, title: "No checkpoint has been cosigned yet.", extensions: new Dictionary<string, object?> { ["rule"] = LogRules.NothingToCosign });
            var cp = Checkpoint.ParseNoteText(SignedNote.Split(w.CosignedNote).Text);
            return Results.Ok(new CosignedCheckpointDto(cp.Size, Convert.ToHexStringLower(cp.Root), cp.Time, w.CosignedNote, w.WitnessName, new DateTimeOffset(w.CosignedAt, TimeSpan.Zero)));
        })
        .WithName("GetCosignedLogCheckpoint")
        .WithSummary("The latest checkpoint the supervision office cosigned")
        .WithDescription("The note carries the log's signature and the witness's cosignature line (see docs/public-log.md).")
        .Produces<CosignedCheckpointDto>().ProducesProblem(StatusCodes.Status404NotFound);

        pub.MapGet("/certificates/{file}", (string file, CentreKeys keys) =>
            keys.PublicPem(file) is { } pem ? Results.Text(pem, "application/x-pem-file") : Results.NotFound())
        .WithName("GetLogCertificate")
        .WithSummary("The centre's public certificates: root-ca.crt, issuing-ca.crt, log-signing.crt, tsa.crt, witness.crt")
        .WithDescription("Check root-ca.crt's fingerprint against the one the centre publishes before trusting anything else.");

        var receipts = app.MapGroup("/api/log/receipts").AddEndpointFilter<RuleErrorFilter>().RequireAuthorization(Policies.Api).WithTags("Public log");
        receipts.MapGet("/{index:long}", async (long index, HttpContext http, ReceiptIssuer issuer, CancellationToken ct) =>
        {
            var actor = Actor.From(http) ?? throw new ForbiddenException(RuleCodes.SignInRequired);
            var json = await issuer.GetAsync(index, actor, ct);
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"receipt-{index}.json\"";
            return Results.Text(json, "application/json", Encoding.UTF8);
        })
        .WithName("GetBidReceipt")
        .WithSummary("A bid receipt (canonical JSON) for the bidder firm that owns it, or a supervisor")
        .WithDescription("Verify offline with: trading verify-receipt receipt.json --root root-ca.crt")
        .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>An optional integer query parameter: absent gives the default; anything but a plain integer is refused.</summary>
    private static long ParseParam(string? text, string name, long fallback)
    {
        if (text is null) return fallback;
        return text.Length <= 20 && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v : throw Refuse(LogRules.ParamMalformed, name, Clip(text));
    }

    /// <summary>Echoes at most a little of a bad value back: enough to recognise it, never a wall of text.</summary>
    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";

    internal static RuleViolationException Refuse(string code, params object[] args) =>
        new(new RuleViolation(code, args.Select(a => a is long or int ? Convert.ToString(a, CultureInfo.InvariantCulture)! : a).ToArray()));
}
