using System.Text;

namespace Trading.Reports;

/// <summary>
/// Amounts in Chinese capital numerals (人民币大写), as opening records, award notices and contracts carry them beside
/// the figures so that a price cannot be altered by a stroke. Written by hand: .NET's Chinese culture formats digits,
/// not financial capitals, and no library in reach follows the People's Bank rules (《支付结算办法》附件一) for zeros,
/// 元/角/分 and 整, which are what a reader checks.
/// </summary>
public static class ChineseAmount
{
    private const string Digits = "零壹贰叁肆伍陆柒捌玖";
    private static readonly string[] InGroup = ["仟", "佰", "拾", ""];
    private static readonly string[] Groups = ["", "万", "亿", "万亿"];

    /// <summary>Largest amount written, in fen (just under ten thousand trillion yuan).</summary>
    public const long MaxFen = 9_999_999_999_999_999L;

    /// <summary>The amount, given in fen (分), in capitals with 元, 角, 分 and 整: 1,680.32 yuan is 壹仟陆佰捌拾元零叁角贰分.</summary>
    public static string FromFen(long fen)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fen);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fen, MaxFen);
        var yuan = fen / 100;
        var jiao = (int)(fen / 10 % 10);
        var cents = (int)(fen % 10);
        var sb = new StringBuilder();
        if (yuan > 0) sb.Append(Integer(yuan)).Append('元');
        if (jiao == 0 && cents == 0) return (yuan > 0 ? sb : sb.Append("零元")).Append('整').ToString();
        // A zero in the 元 place before 角, or a zero 角 before 分, is written as 零 (the rules allow it before 角
        // and require it before 分; writing it both times is what banks print).
        if (yuan > 0 && (jiao == 0 || yuan % 10 == 0)) sb.Append('零');
        if (jiao > 0) sb.Append(Digits[jiao]).Append('角');
        if (cents > 0) sb.Append(Digits[cents]).Append('分');
        return sb.ToString();
    }

    private static string Integer(long n)
    {
        var groups = new List<int>();
        for (; n > 0; n /= 10_000) groups.Add((int)(n % 10_000));
        var sb = new StringBuilder();
        var skipped = false;
        for (var i = groups.Count - 1; i >= 0; i--)
        {
            var g = groups[i];
            if (g == 0)
            {
                skipped = sb.Length > 0;
                continue;
            }
            // 壹万零壹拾, 壹亿零壹: a gap of zeros between written digits is read as one 零.
            if (sb.Length > 0 && (skipped || g < 1000)) sb.Append('零');
            sb.Append(Group(g)).Append(Groups[i]);
            skipped = false;
        }
        return sb.ToString();
    }

    private static string Group(int g)
    {
        var sb = new StringBuilder();
        var zero = false;
        for (var p = 0; p < 4; p++)
        {
            var d = g / (int)Math.Pow(10, 3 - p) % 10;
            if (d == 0)
            {
                zero = sb.Length > 0;
                continue;
            }
            if (zero) sb.Append('零');
            sb.Append(Digits[d]).Append(InGroup[p]);
            zero = false;
        }
        return sb.ToString();
    }
}
