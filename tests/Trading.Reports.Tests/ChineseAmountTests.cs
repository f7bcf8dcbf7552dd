using Trading.Reports;

namespace Trading.Reports.Tests;

public class ChineseAmountTests
{
    // The first six are the People's Bank's own examples (《支付结算办法》附件一, 正确填写票据和结算凭证的基本规定);
    // the rest are the cases where zeros between groups and units are easy to get wrong.
    [Theory]
    [InlineData(1_680_32L, "壹仟陆佰捌拾元零叁角贰分")]
    [InlineData(1_409_50L, "壹仟肆佰零玖元伍角")]
    [InlineData(6_007_14L, "陆仟零柒元壹角肆分")]
    [InlineData(107_000_53L, "壹拾万柒仟元零伍角叁分")]
    [InlineData(325_04L, "叁佰贰拾伍元零肆分")]
    [InlineData(1_000_000_00L, "壹佰万元整")]
    [InlineData(18_240_000_00L, "壹仟捌佰贰拾肆万元整")]
    [InlineData(10_010_00L, "壹万零壹拾元整")]
    [InlineData(100_000_001_00L, "壹亿零壹元整")]
    [InlineData(100_010_000_00L, "壹亿零壹万元整")]
    [InlineData(10_00L, "壹拾元整")]
    [InlineData(35L, "叁角伍分")]
    [InlineData(5L, "伍分")]
    [InlineData(0L, "零元整")]
    [InlineData(2_003_040_506_07L, "贰拾亿零叁佰零肆万零伍佰零陆元零柒分")]
    public void Writes_the_amount_as_the_banks_rules_require(long fen, string expected) =>
        Assert.Equal(expected, ChineseAmount.FromFen(fen));

    [Fact]
    public void Refuses_negative_and_too_large_amounts()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ChineseAmount.FromFen(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChineseAmount.FromFen(ChineseAmount.MaxFen + 1));
        Assert.Equal("玖拾玖万亿玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分", ChineseAmount.FromFen(ChineseAmount.MaxFen));
    }
}
