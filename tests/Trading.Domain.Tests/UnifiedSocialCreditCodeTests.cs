using Trading.Domain;

namespace Trading.Domain.Tests;

public class UnifiedSocialCreditCodeTests
{
    [Theory]
    // Codes as printed on public licences; their check characters come from the issuing registry, not from our code.
    [InlineData("91350100M000100Y43")]
    [InlineData("91110000802100433B")]
    public void Accepts_real_codes(string code) => Assert.Null(UnifiedSocialCreditCode.Validate(code));

    [Fact]
    public void Lower_case_and_spaces_are_normalised() =>
        Assert.Null(UnifiedSocialCreditCode.Validate(" 91350100m000100y43 "));

    [Theory]
    [InlineData(null, RuleCodes.CreditCodeMissing)]
    [InlineData("", RuleCodes.CreditCodeMissing)]
    [InlineData("91350100M000100Y4", RuleCodes.CreditCodeLength)]
    [InlineData("91350100M000100Y433", RuleCodes.CreditCodeLength)]
    [InlineData("91350100M00010OY43", RuleCodes.CreditCodeCharacter)] // letter O is not in the alphabet
    [InlineData("91350100M000100Y44", RuleCodes.CreditCodeCheck)]
    [InlineData("91350100M000100Z43", RuleCodes.CreditCodeCharacter)]
    public void Refuses_with_the_rule(string? code, string rule) =>
        Assert.Equal(rule, UnifiedSocialCreditCode.Validate(code)?.Code);

    [Fact]
    public void Check_refusal_names_the_expected_character()
    {
        var v = UnifiedSocialCreditCode.Validate("91350100M000100Y44");
        Assert.Equal(["4", "3"], v!.Args.Select(a => a.ToString()));
    }

    [Fact]
    public void Every_single_character_change_is_caught()
    {
        const string alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
        var good = "91350100M000100Y43";
        for (var i = 0; i < 17; i++)
        {
            foreach (var c in alphabet.Where(c => c != good[i]))
            {
                var changed = good[..i] + c + good[(i + 1)..];
                Assert.NotNull(UnifiedSocialCreditCode.Validate(changed));
            }
        }
    }

    [Fact]
    public void Complete_produces_valid_codes() =>
        Assert.True(UnifiedSocialCreditCode.IsValid(UnifiedSocialCreditCode.Complete("91330100716105852")));
}
