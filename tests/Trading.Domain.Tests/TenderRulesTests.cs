using Trading.Domain;

namespace Trading.Domain.Tests;

public class TenderRulesTests
{
    private static readonly DateTime Now = new(2026, 11, 22, 2, 0, 0, DateTimeKind.Utc);

    private static Tender Valid(int days = 21, long priceFen = 100_000_000, long bondFen = 2_000_000) => new()
    {
        Title = "T", BidDeadline = Now.AddDays(days), OpeningTime = Now.AddDays(days),
        Lots = [new Lot { Number = 1, Name = "L1", EstimatedPriceFen = priceFen, BidBondFen = bondFen }],
    };

    private static List<string> Codes(Tender t) => TenderValidation.ValidateTerms(t, Now, TenderRules.Default).Select(v => v.Code).ToList();

    [Fact]
    public void A_valid_tender_passes() => Assert.Empty(Codes(Valid()));

    [Fact]
    public void Deadline_exactly_twenty_days_after_issue_is_allowed() => Assert.Empty(Codes(Valid(20)));

    [Fact]
    public void Deadline_one_minute_short_of_twenty_days_is_refused()
    {
        var t = Valid(20);
        t.BidDeadline = t.OpeningTime = Now.AddDays(20).AddMinutes(-1);
        Assert.Equal([RuleCodes.DocumentsTooLate], Codes(t));
    }

    [Fact]
    public void Twenty_days_count_from_first_issue_not_from_now()
    {
        var t = Valid(10);
        t.DocumentsFirstIssuedAt = Now.AddDays(-10);
        Assert.Empty(Codes(t));
        t.DocumentsFirstIssuedAt = Now.AddDays(-9);
        Assert.Equal([RuleCodes.DocumentsTooLate], Codes(t));
    }

    [Fact]
    public void Bond_of_exactly_two_percent_is_allowed_and_one_fen_more_is_refused()
    {
        Assert.Empty(Codes(Valid(bondFen: 2_000_000)));
        Assert.Equal([RuleCodes.BondTooHigh], Codes(Valid(bondFen: 2_000_001)));
    }

    [Fact]
    public void A_control_price_is_optional_but_when_given_must_be_positive_and_a_region_has_a_length_limit()
    {
        var t = Valid();
        t.Lots[0].ControlPriceFen = 105_000_000;
        t.Region = "余杭区";
        Assert.Empty(Codes(t));
        t.Lots[0].ControlPriceFen = 0;
        Assert.Equal([RuleCodes.ControlPriceInvalid], Codes(t));
        t.Lots[0].ControlPriceFen = null;
        t.Region = new string('区', Tender.RegionMaxLength + 1);
        Assert.Equal([RuleCodes.RegionTooLong], Codes(t));
    }

    [Fact]
    public void Configured_bond_limit_applies()
    {
        var rules = TenderRules.Default with { MaxBondBasisPoints = 100 };
        Assert.Contains(TenderValidation.ValidateTerms(Valid(bondFen: 1_500_000), Now, rules), v => v.Code == RuleCodes.BondTooHigh);
    }

    [Fact]
    public void Deadline_in_the_past_opening_apart_and_no_lots_are_all_reported()
    {
        var t = Valid(-1);
        t.OpeningTime = t.BidDeadline.AddHours(2);
        t.Lots.Clear();
        Assert.Equal([RuleCodes.NoLots, RuleCodes.DeadlineInPast, RuleCodes.OpeningNotAtDeadline], Codes(t));
    }

    [Fact]
    public void Clarification_that_changes_documents_needs_fifteen_days()
    {
        var t = Valid(20);
        Assert.Null(TenderValidation.CheckClarification(t, true, Now.AddDays(5), TenderRules.Default));
        Assert.Equal(RuleCodes.ClarificationTooLate, TenderValidation.CheckClarification(t, true, Now.AddDays(5).AddMinutes(1), TenderRules.Default)?.Code);
        Assert.Null(TenderValidation.CheckClarification(t, false, Now.AddDays(19), TenderRules.Default));
        Assert.Equal(RuleCodes.DeadlinePassed, TenderValidation.CheckClarification(t, false, Now.AddDays(20), TenderRules.Default)?.Code);
    }

    [Theory]
    [InlineData("12.34", 1234L)]
    [InlineData("0", 0L)]
    [InlineData("38600000", 3_860_000_000L)]
    public void Yuan_to_fen_is_exact(string yuan, long fen) => Assert.Equal(fen, Money.Fen(decimal.Parse(yuan, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Yuan_with_three_decimals_is_refused() => Assert.Null(Money.Fen(1.234m));

    [Fact]
    public void Negative_rule_configuration_is_refused() =>
        Assert.NotEmpty((TenderRules.Default with { MinDaysDocumentsToDeadline = -1 }).Validate());
}
