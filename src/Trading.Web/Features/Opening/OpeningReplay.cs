using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.PublicLog;

namespace Trading.Web.Features.Opening;

/// <summary>One step of an opening as the public log records it.</summary>
public sealed record ReplayStep(long Index, DateTime Time, string Type, JsonElement Data, bool LeafMatches);

/// <summary>A closed opening, rebuilt from the public log alone.</summary>
public sealed record Replay(Guid TenderId, string? Code, IReadOnlyList<ReplayStep> Steps, string? TranscriptSha256, int Frozen, int Opened, int Partials, bool AllLeavesMatch);

/// <summary>
/// Replays a closed opening from the public log alone: the frozen list, who gave partials and when (and by which path),
/// which bids opened with what (the reading of the prices), any stop and resumption, confirmations, objections and the
/// transcript hash. Nothing is read from the bids or the ceremony tables, and every entry's leaf hash is recomputed
/// from its bytes, so what the page shows is what an outsider checks with <c>trading verify-log</c>.
/// </summary>
public sealed class OpeningReplay(TradingDbContext db)
{
    /// <summary>The log's events of an opening, from the deadline's freeze on.</summary>
    public static readonly string[] Types =
    [
        "bids.frozen", "opening.hall.joined", "opening.partials", "opening.partials.refused", "opening.bid", "opening.interrupted", "opening.resumed",
        "opening.completed", "opening.confirmed", "opening.objection", "opening.objection.answered",
    ];

    /// <summary>The replay, or null when the tender's opening has not completed (nothing is replayed before it closes).</summary>
    public async Task<Replay?> ReplayAsync(Guid tenderId, CancellationToken ct)
    {
        var rows = await db.LogEntries.AsNoTracking().Where(e => e.TenderId == tenderId && Types.Contains(e.Type)).OrderBy(e => e.Index).ToListAsync(ct);
        if (!rows.Any(r => r.Type == "opening.completed")) return null;
        var code = await db.LogEntries.AsNoTracking().Where(e => e.TenderId == tenderId && e.Type == "tender.deadline").Select(e => e.Payload).FirstOrDefaultAsync(ct);
        var steps = rows.Select(r =>
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(r.Payload);
            using var doc = JsonDocument.Parse(bytes);
            return new ReplayStep(r.Index, r.RecordedAt, r.Type, doc.RootElement.GetProperty("data").Clone(), MerkleHash.Leaf(bytes).AsSpan().SequenceEqual(r.LeafHash));
        }).ToList();
        var completed = steps.Last(s => s.Type == "opening.completed");
        var frozen = steps.LastOrDefault(s => s.Type == "bids.frozen");
        return new Replay(tenderId, code is null ? null : JsonDocument.Parse(code).RootElement.GetProperty("data").GetProperty("code").GetString(), steps,
            completed.Data.GetProperty("transcriptSha256").GetString(),
            frozen is null ? 0 : frozen.Data.GetProperty("count").GetInt32(),
            steps.Count(s => s.Type == "opening.bid"), steps.Count(s => s.Type == "opening.partials"), steps.All(s => s.LeafMatches));
    }
}
