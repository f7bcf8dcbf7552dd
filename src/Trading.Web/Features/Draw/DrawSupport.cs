using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.ExpertPool;

namespace Trading.Web.Features.Draw;

/// <summary>Rule codes of the draw pages and API (localized in SharedResource under strings:draw).</summary>
public static class DrawRules
{
    /// <summary>The draw library refused a step; args: its message in the user's language, its stable code.</summary>
    public const string Refused = "Rule.Draw.Refused";
    /// <summary>Too few eligible experts; args: the shortfall per stratum, the library code.</summary>
    public const string Infeasible = "Rule.Draw.Infeasible";
    public const string NotYourOffice = "Rule.Draw.NotYourOffice";
    public const string TenderNotReady = "Rule.Draw.TenderNotReady";
    public const string TimesInvalid = "Rule.Draw.TimesInvalid";
    public const string InputInvalid = "Rule.Draw.InputInvalid";
    public const string ResponseWindowClosed = "Rule.Draw.ResponseWindowClosed";
    public const string NotServing = "Rule.Draw.NotServing";
    public const string Voided = "Rule.Draw.Voided";
    public const string ProfileInvalid = "Rule.Experts.ProfileInvalid";
    public const string NoProfile = "Rule.Experts.NoProfile";
}

/// <summary>Settings of the pool and the draw (section "ExpertDraw").</summary>
public sealed class ExpertDrawOptions
{
    /// <summary>Eligibility rules of the jurisdiction.</summary>
    public PoolRules Rules { get; set; } = PoolRules.Default;
    /// <summary>Hours an invited expert has to answer before the seat goes to the reserve.</summary>
    public int ResponseWindowHours { get; set; } = 2;
    /// <summary>Base64 pseudonym key for draw records (given to auditors); generated into the data folder when empty.</summary>
    public string? PseudonymKey { get; set; }
}

/// <summary>
/// The key draw pseudonyms and the bidders' digest are made with (trading/draw/v1 §2). Separate from the
/// log's pseudonym key: auditors get this one to open draw records without being able to open the log's.
/// </summary>
public sealed class DrawPseudonymKey(byte[] key)
{
    public byte[] Bytes => (byte[])key.Clone();

    public static DrawPseudonymKey LoadOrCreate(string? configured, string dataDirectory) =>
        new(Infrastructure.DeploymentKey.LoadOrCreate(configured, dataDirectory, "draw-pseudonym.key"));
}

/// <summary>
/// Who counts as a bidder of a lot for avoidance: every firm with a bid on the lot that it has not
/// withdrawn, and every firm that obtained the tender documents (a draw may come before the deadline,
/// and a firm that looked at the documents may still bid). A superset errs on the safe side.
/// </summary>
public interface ILotBidders
{
    Task<IReadOnlyList<Guid>> BidderOrganisationsAsync(Guid tenderId, Guid lotId, CancellationToken ct);
}

public sealed class LotBidders(TradingDbContext db) : ILotBidders
{
    public async Task<IReadOnlyList<Guid>> BidderOrganisationsAsync(Guid tenderId, Guid lotId, CancellationToken ct)
    {
        var bids = await db.Set<Trading.Domain.Bidding.Bid>().Where(b => b.TenderId == tenderId && b.LotId == lotId && b.Status != Trading.Domain.Bidding.BidStatus.Withdrawn)
            .Select(b => b.FirmId).Distinct().ToListAsync(ct);
        var downloads = await db.DocumentDownloads.Where(d => d.TenderId == tenderId).Select(d => d.FirmId).Distinct().ToListAsync(ct);
        return bids.Union(downloads).ToList();
    }
}

/// <summary>
/// Beacon sources the application can fetch from. None that needs the network ships here (the platform may
/// run offline); a deployment registers its own <see cref="IBeaconSource"/> (drand over HTTP, say) and it
/// appears on the draw page next to manual entry, which always works.
/// </summary>
public sealed class BeaconSources(IEnumerable<IBeaconSource> registered)
{
    public IReadOnlyList<IBeaconSource> Registered { get; } = registered.ToList();

    public IBeaconSource? Find(string name) => Registered.FirstOrDefault(s => s.Name == name);

    public static IBeaconSource Manual(string round, string valueHex, string enteredBy) => new ManualBeaconSource(round, valueHex, enteredBy);
}

internal static class DrawCulture
{
    public static string Current => CultureInfo.CurrentUICulture.Name.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? "en" : "zh-CN";

    /// <summary>An enum value as the record writes it (camelCase).</summary>
    public static string Name<T>(T value) where T : struct, Enum => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    /// <summary>Wraps a library refusal as a rule violation, so pages and the API show it like every other rule.</summary>
    public static RuleViolationException Wrap(ExpertDrawException e) =>
        new(new RuleViolation(DrawRules.Refused, DrawMessages.Format(e.Reason, Current), e.Code));

    /// <summary>The numbers of an infeasible request, per stratum, in the user's language (the library's detail is English).</summary>
    public static RuleViolationException Infeasible(DrawInfeasibleException e, Infrastructure.Texts texts) =>
        new(new RuleViolation(DrawRules.Infeasible, string.Join(texts["Rule.Draw.ShortfallSeparator"], e.Shortfalls.Select(s =>
            texts[s.SharedWithEarlier > 0 ? "Rule.Draw.ShortfallShared" : "Rule.Draw.Shortfall", s.Stratum, s.Needed, s.Eligible, s.SharedWithEarlier])), e.Code));
}
