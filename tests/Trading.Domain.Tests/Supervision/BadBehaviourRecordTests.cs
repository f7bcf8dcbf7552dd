using Trading.Domain;
using Trading.Domain.Supervision;

namespace Trading.Domain.Tests.Supervision;

public class BadBehaviourRecordTests
{
    private static readonly DateTime T0 = new(2026, 11, 22, 0, 0, 0, DateTimeKind.Utc);

    private static BadBehaviourRecord Suspension() => new()
    {
        SubjectKind = SanctionSubjectKind.Firm, SubjectId = Guid.NewGuid(), SubjectName = "某公司", Facts = "串通投标", RuleBroken = "招标投标法第三十二条",
        Sanction = SanctionKind.Suspension, SuspensionStart = T0, SuspensionEnd = T0.AddDays(180), SuspensionReason = "串通投标",
    };

    [Fact]
    public void A_suspension_needs_a_reason_and_both_dates_in_order()
    {
        Assert.Empty(Suspension().Validate());
        var r = Suspension(); r.SuspensionReason = " ";
        Assert.Contains(SupervisionRules.SuspensionReason, r.Validate().Select(v => v.Code));
        r = Suspension(); r.SuspensionEnd = null;
        Assert.Contains(SupervisionRules.SuspensionDates, r.Validate().Select(v => v.Code));
        r = Suspension(); r.SuspensionEnd = T0.AddDays(-1);
        Assert.Contains(SupervisionRules.SuspensionOrder, r.Validate().Select(v => v.Code));
        r = Suspension(); r.Facts = ""; r.RuleBroken = "";
        Assert.Equal([SupervisionRules.RecordFacts, SupervisionRules.RecordRule], r.Validate().Select(v => v.Code));
        r = Suspension(); r.Sanction = SanctionKind.Warning;
        Assert.Contains(SupervisionRules.WarningHasDates, r.Validate().Select(v => v.Code));
    }

    [Fact]
    public void Appeals_overturn_or_shorten_the_suspension()
    {
        var r = Suspension();
        Assert.False(r.SuspendsAt(T0.AddSeconds(-1)));
        Assert.True(r.SuspendsAt(T0));
        Assert.True(r.SuspendsAt(T0.AddDays(100)));
        Assert.False(r.SuspendsAt(T0.AddDays(180)));

        r.Appeals.Add(new SanctionAppeal { LodgedAt = T0.AddDays(1) }); // lodged, not decided: no change
        Assert.True(r.SuspendsAt(T0.AddDays(100)));
        r.Appeals[0].Decision = AppealDecision.Reduced; r.Appeals[0].DecidedAt = T0.AddDays(10); r.Appeals[0].ReducedEnd = T0.AddDays(60);
        Assert.False(r.SuspendsAt(T0.AddDays(100)));
        Assert.True(r.SuspendsAt(T0.AddDays(59)));
        r.Appeals.Add(new SanctionAppeal { LodgedAt = T0.AddDays(11), Decision = AppealDecision.Overturned, DecidedAt = T0.AddDays(20) });
        Assert.False(r.SuspendsAt(T0.AddDays(21)));
        Assert.True(r.Overturned);
        Assert.Null(r.EffectiveEnd);
    }
}
