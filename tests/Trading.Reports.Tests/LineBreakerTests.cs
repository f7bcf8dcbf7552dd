using System.Text;

namespace Trading.Reports.Tests;

public class LineBreakerTests
{
    // CJK clusters are two units wide, everything else one: close to real fonts and easy to reason about.
    private static double Width(string cluster) => LineBreaker.IsCjk(Rune.GetRuneAt(cluster, 0)) ? 2 : 1;

    private static IReadOnlyList<string> Wrap(string? text, double max) => LineBreaker.Wrap(text, max, Width);

    [Fact]
    public void Cjk_breaks_between_any_two_characters()
    {
        Assert.Equal(["一二三", "四五六", "七"], Wrap("一二三四五六七", 6));
    }

    [Fact]
    public void Closing_punctuation_never_starts_a_line()
    {
        // Greedy filling would give "一二三" then "。四五"; the full stop pulls 三 down with it.
        Assert.Equal(["一二", "三。四", "五"], Wrap("一二三。四五", 6));
        foreach (var closer in "。，、；：？！）」』】》")
        {
            var lines = Wrap($"甲乙丙{closer}丁戊己{closer}庚辛", 6);
            Assert.All(lines.Skip(1), l => Assert.False(LineBreaker.IsNoLineStart(Rune.GetRuneAt(l, 0)), $"line starts with {closer}: {string.Join("|", lines)}"));
            Assert.Equal($"甲乙丙{closer}丁戊己{closer}庚辛", string.Concat(lines));
        }
    }

    [Fact]
    public void Opening_punctuation_never_ends_a_line()
    {
        Assert.Equal(["一二", "（三", "四）"], Wrap("一二（三四）", 6));
        foreach (var opener in "（「『【《")
        {
            var lines = Wrap($"甲乙{opener}丙丁戊己{opener}庚辛", 6);
            Assert.All(lines, l => Assert.False(LineBreaker.IsNoLineEnd(Rune.GetRuneAt(l, l.Length - 1)), $"line ends with {opener}: {string.Join("|", lines)}"));
            Assert.Equal($"甲乙{opener}丙丁戊己{opener}庚辛", string.Concat(lines));
        }
    }

    [Fact]
    public void Latin_words_break_at_spaces_and_stay_whole()
    {
        Assert.Equal(["hello world", "foo bar"], Wrap("hello world foo bar", 11));
        Assert.Equal(["合同编号", "ABC123已", "签署"], Wrap("合同编号ABC123已签署", 9));
    }

    [Fact]
    public void Over_long_token_breaks_by_characters()
    {
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("x"u8));
        var lines = Wrap("哈希 " + hash, 20);
        Assert.Equal("哈希", lines[0]);
        Assert.Equal(hash, string.Concat(lines.Skip(1)));
        Assert.All(lines.Skip(1).SkipLast(1), l => Assert.Equal(20, l.Length));
    }

    [Fact]
    public void Kinsoku_holds_when_an_over_long_token_is_broken_by_characters()
    {
        Assert.Equal(["abcde", "fghi", "j。"], Wrap("abcdefghij。", 5));
        Assert.Equal(["abcd", "(efgh"], Wrap("abcd(efgh", 5));
    }

    [Fact]
    public void Line_feeds_and_empty_input_are_kept()
    {
        Assert.Equal(["a", "", "b"], Wrap("a\r\n\nb", 10));
        Assert.Equal([""], Wrap(null, 10));
        Assert.Equal([""], Wrap("", 10));
    }

    [Fact]
    public void Control_characters_are_dropped_and_tabs_become_spaces()
    {
        Assert.Equal(["a b\u0001c".Replace("\u0001", "", StringComparison.Ordinal)], Wrap("a\tb\u0001c", 10));
    }

    [Fact]
    public void Random_mixed_text_keeps_every_character_and_fits()
    {
        var rng = new Random(20261122);
        const string alphabet = "中文报价投标人。，、（）「」abcXYZ0123456789  -";
        for (var round = 0; round < 3000; round++)
        {
            var text = new string(Enumerable.Range(0, rng.Next(0, 120)).Select(_ => alphabet[rng.Next(alphabet.Length)]).ToArray());
            var max = rng.Next(2, 30);
            var lines = Wrap(text, max);
            Assert.Equal(Squash(text), Squash(string.Concat(lines)));
            foreach (var line in lines)
            {
                var w = line.EnumerateRunes().Sum(r => Width(r.ToString()));
                Assert.True(w <= max || line.EnumerateRunes().Count() == 1, $"'{line}' is {w} wide, limit {max}, text '{text}'");
            }
        }
    }

    private static string Squash(string s) => s.Replace(" ", "", StringComparison.Ordinal);
}
