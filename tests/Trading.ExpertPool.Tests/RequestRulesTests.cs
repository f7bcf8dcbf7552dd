using Trading.ExpertPool;

namespace Trading.ExpertPool.Tests;

public class RequestRulesTests
{
    private static string CodeOf(DrawRequest r) => Assert.Throws<DrawRequestInvalidException>(() => ExpertDraw.Validate(r)).Code;

    [Fact]
    public void A_valid_request_passes() => ExpertDraw.Validate(Fixtures.Request());

    [Fact]
    public void Committee_of_three_is_too_small() =>
        Assert.Equal(ReasonCodes.CommitteeTooSmall, CodeOf(Fixtures.Request(tech: 2, econ: 1, ownerSeats: 0)));

    [Fact]
    public void Even_committee_is_refused() =>
        Assert.Equal(ReasonCodes.CommitteeEven, CodeOf(Fixtures.Request(tech: 4, econ: 2, ownerSeats: 0)));

    [Fact]
    public void Seats_must_add_up() =>
        Assert.Equal(ReasonCodes.SeatsMismatch, CodeOf(Fixtures.Request() with { CommitteeSize = 9 }));

    [Fact]
    public void Owner_representatives_may_not_exceed_a_third()
    {
        // 7 seats, 3 owner representatives: 4 experts < 2/3 of 7.
        var ex = Assert.Throws<DrawRequestInvalidException>(() => ExpertDraw.Validate(Fixtures.Request(tech: 3, econ: 1, ownerSeats: 3)));
        Assert.Equal(ReasonCodes.ExpertShareTooLow, ex.Code);
        Assert.Equal("4", ex.Reason.Args["experts"]);
        Assert.Contains("two thirds", ex.Message, StringComparison.Ordinal);
        Assert.Contains("三分之二", DrawMessages.Format(ex.Reason, "zh-CN"), StringComparison.Ordinal);
    }

    [Fact]
    public void Two_owner_representatives_of_seven_are_allowed() => ExpertDraw.Validate(Fixtures.Request(tech: 3, econ: 2, ownerSeats: 2));

    [Fact]
    public void Duplicate_and_malformed_strata_are_refused()
    {
        var r = Fixtures.Request();
        Assert.Equal(ReasonCodes.StratumDuplicate, CodeOf(r with { Strata = [r.Strata[0], r.Strata[0] with { Count = 2 }] }));
        Assert.Equal(ReasonCodes.StratumInvalid, CodeOf(r with { Strata = [r.Strata[0] with { Specialties = ["construction"] }, r.Strata[1]] }));
        Assert.Equal(ReasonCodes.StratumInvalid, CodeOf(r with { Strata = [r.Strata[0] with { Id = "Tech A" }, r.Strata[1]] }));
        Assert.Equal(ReasonCodes.StratumInvalid, CodeOf(r with { Strata = [r.Strata[0] with { Count = 0 }, r.Strata[1]] }));
    }

    [Fact]
    public void Decline_reasons_must_be_declared_and_distinct()
    {
        Assert.Equal(ReasonCodes.DeclineReasonsInvalid, CodeOf(Fixtures.Request() with { DeclineReasons = [] }));
        Assert.Equal(ReasonCodes.DeclineReasonsInvalid, CodeOf(Fixtures.Request() with { DeclineReasons = ["illness", "illness"] }));
    }

    [Fact]
    public void Missing_fields_name_the_field()
    {
        var ex = Assert.Throws<DrawRequestInvalidException>(() => ExpertDraw.Validate(Fixtures.Request() with { LotId = " " }));
        Assert.Equal(ReasonCodes.RequestMissingField, ex.Code);
        Assert.Equal("lotId", ex.Reason.Args["field"]);
    }

    [Fact]
    public void Every_code_has_english_and_chinese_text()
    {
        var codes = typeof(ReasonCodes).GetFields().Concat(typeof(VerifyCodes).GetFields())
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.True(codes.Count > 40);
        foreach (var code in codes)
        {
            var r = new Reason(code, new Dictionary<string, string>());
            var en = DrawMessages.Format(r, "en");
            var zh = DrawMessages.Format(r, "zh-CN");
            Assert.NotEqual(code, en);
            Assert.NotEqual(en, zh);
            Assert.Contains(zh, c => c >= 0x4E00 && c <= 0x9FFF);
        }
    }

    [Fact]
    public void Specialty_patterns_match_two_levels()
    {
        var s = Specialty.Parse("construction/civil-works");
        Assert.True(s.Matches("construction/*"));
        Assert.True(s.Matches("construction/civil-works"));
        Assert.False(s.Matches("construction/roads"));
        Assert.False(s.Matches("construct/*"));
        Assert.Throws<FormatException>(() => Specialty.Parse("construction"));
    }
}
