using Microsoft.Extensions.Options;
using Trading.Domain.Experts;
using Trading.ExpertPool;
using Trading.Web.Features.Draw;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Experts;

/// <summary>
/// An expert's standing as the pool pages show it. The stored status says what staff decided;
/// reaching the configured retirement age retires an expert by itself (the draw excludes them with
/// that reason), so pages show it too, not "active".
/// </summary>
public sealed class ExpertStandings(IOptions<ExpertDrawOptions> options, CentreTime time)
{
    public int RetirementAge => options.Value.Rules.RetirementAge;

    /// <summary>Today in the centre's time zone, the day ages are counted on.</summary>
    public DateOnly Today => DateOnly.FromDateTime(time.ToLocal(time.UtcNow));

    public int AgeOf(PoolExpert e) => Eligibility.WholeYears(e.BirthDate, Today);

    public bool RetiredByAge(PoolExpert e) => AgeOf(e) >= RetirementAge;

    /// <summary>Machine-readable standing for pages and tests: active, suspended, retired, or retired-by-age.</summary>
    public string Code(PoolExpert e)
    {
        var st = e.StatusAt(time.UtcNow);
        return st == ExpertStatus.Active && RetiredByAge(e) ? "retired-by-age" : st.ToString().ToLowerInvariant();
    }

    /// <summary>The standing in the reader's language, with the suspension end and the retirement age where they apply.</summary>
    public string Describe(PoolExpert e, Texts t)
    {
        var st = e.StatusAt(time.UtcNow);
        var text = st == ExpertStatus.Active && RetiredByAge(e) ? "" : t["Experts.Status." + st];
        if (st == ExpertStatus.Suspended && e.SuspendedUntil is { } until)
        {
            text += " · " + time.FormatDate(until);
        }
        if (RetiredByAge(e))
        {
            var byAge = t["Experts.Status.RetiredByAge", AgeOf(e), RetirementAge];
            text = text.Length == 0 ? byAge : text + " · " + byAge;
        }
        return text;
    }
}
