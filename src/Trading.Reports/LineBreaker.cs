using System.Text;

namespace Trading.Reports;

/// <summary>
/// Greedy line breaking for mixed Chinese and Latin text. PDFsharp's own formatter breaks only at spaces,
/// which leaves CJK text (no spaces) as one unbreakable run, so every report goes through this instead.
/// </summary>
/// <remarks>
/// Rules: a break is allowed after a space and between two clusters when either is CJK; Latin words stay
/// whole; a token wider than the line (a hash, a URL) is broken by characters. Kinsoku: a closing mark
/// (。，、；：？！）」』】》 …) never starts a line and an opening mark (（「『【《 …) never ends one; the
/// breaker achieves that by gluing such a mark to its neighbour, so the neighbour moves with it.
/// Clusters are Unicode scalar values; combining sequences are rare in these reports and are not kept together.
/// </remarks>
public static class LineBreaker
{
    // Full-width closers plus their ASCII counterparts, which matter where they touch CJK text.
    private const string NoLineStart = "。．，、；：？！）」』】》〉〕〗〙〛｝］’”…‥·・〜ー々〃,.;:!?)]}%";
    private const string NoLineEnd = "（「『【《〈〔〖〘〚｛［‘“([{";

    // Width comparisons of sums of glyph advances: allow for rounding so an exact fit still fits.
    private const double Epsilon = 1e-6;

    /// <summary>Wraps <paramref name="text"/> into lines no wider than <paramref name="maxWidth"/>.</summary>
    /// <param name="text">Text to wrap; null is treated as empty. Line feeds start new lines and are kept.</param>
    /// <param name="maxWidth">Available width, in the unit <paramref name="measure"/> returns.</param>
    /// <param name="measure">Width of one cluster (one Unicode scalar value as a string).</param>
    /// <returns>At least one line; an empty input gives one empty line.</returns>
    public static IReadOnlyList<string> Wrap(string? text, double maxWidth, Func<string, double> measure)
    {
        ArgumentNullException.ThrowIfNull(measure);
        var lines = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            lines.Add("");
            return lines;
        }
        foreach (var paragraph in text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n'))
            WrapParagraph(paragraph, maxWidth, measure, lines);
        return lines;
    }

    /// <summary>True when a line may break between <paramref name="before"/> and <paramref name="after"/>.</summary>
    public static bool CanBreakBetween(Rune before, Rune after)
    {
        // Spaces hang at the end of a line, so the break goes after them, never before.
        if (IsSpace(after))
            return false;
        if (IsNoLineStart(after) || IsNoLineEnd(before))
            return false;
        if (IsSpace(before))
            return true;
        return IsCjk(before) || IsCjk(after);
    }

    /// <summary>True for characters that must not start a line (closing punctuation).</summary>
    public static bool IsNoLineStart(Rune r) => r.IsBmp && NoLineStart.Contains((char)r.Value, StringComparison.Ordinal);

    /// <summary>True for characters that must not end a line (opening punctuation).</summary>
    public static bool IsNoLineEnd(Rune r) => r.IsBmp && NoLineEnd.Contains((char)r.Value, StringComparison.Ordinal);

    /// <summary>True for scripts written without spaces, where a line may break between any two characters.</summary>
    public static bool IsCjk(Rune r)
    {
        var v = r.Value;
        return v is >= 0x1100 and <= 0x11FF      // Hangul Jamo
            or >= 0x2E80 and <= 0x2FFF           // radicals, Kangxi
            or >= 0x3000 and <= 0x30FF           // CJK punctuation, kana
            or >= 0x3100 and <= 0x33FF           // bopomofo, compatibility jamo, enclosed, compatibility
            or >= 0x3400 and <= 0x4DBF           // extension A
            or >= 0x4E00 and <= 0x9FFF           // unified ideographs
            or >= 0xA000 and <= 0xA4CF           // Yi
            or >= 0xAC00 and <= 0xD7AF           // Hangul syllables
            or >= 0xF900 and <= 0xFAFF           // compatibility ideographs
            or >= 0xFE30 and <= 0xFE4F           // vertical and compatibility forms
            or >= 0xFF00 and <= 0xFFEF           // half- and full-width forms
            or >= 0x20000 and <= 0x3FFFF;        // extensions B and later
    }

    private static bool IsSpace(Rune r) => r.Value is ' ' or '\u3000';

    private static void WrapParagraph(string paragraph, double maxWidth, Func<string, double> measure, List<string> lines)
    {
        var runes = new List<Rune>(paragraph.Length);
        foreach (var r in paragraph.EnumerateRunes())
        {
            // Tabs have no stop positions here; other control characters have no glyph and would print as boxes.
            if (r.Value == '\t')
                runes.Add(new Rune(' '));
            else if (!Rune.IsControl(r))
                runes.Add(r);
        }
        if (runes.Count == 0)
        {
            lines.Add("");
            return;
        }

        var widths = new double[runes.Count];
        for (var i = 0; i < runes.Count; i++)
            widths[i] = measure(runes[i].ToString());

        var line = new StringBuilder();
        double lineWidth = 0;
        var wrapped = false;

        void Emit()
        {
            lines.Add(line.ToString().TrimEnd(' ', '\u3000'));
            line.Clear();
            lineWidth = 0;
            wrapped = true;
        }

        var start = 0;
        for (var end = 1; end <= runes.Count; end++)
        {
            if (end < runes.Count && !CanBreakBetween(runes[end - 1], runes[end]))
                continue;

            // Segment [start, end) cannot be broken by the rules; it may end in spaces that hang.
            var first = start;
            var last = end;
            start = end;
            if (line.Length == 0 && wrapped)
                while (first < last && IsSpace(runes[first]))
                    first++;
            var inkEnd = last;
            while (inkEnd > first && IsSpace(runes[inkEnd - 1]))
                inkEnd--;
            double ink = 0, full = 0;
            for (var i = first; i < last; i++)
            {
                full += widths[i];
                if (i < inkEnd)
                    ink += widths[i];
            }

            if (lineWidth + ink <= maxWidth + Epsilon)
            {
                Append(first, last, full);
                continue;
            }
            if (line.Length > 0)
            {
                Emit();
                while (first < last && IsSpace(runes[first]))
                    first++;
                full = 0;
                ink = 0;
                for (var i = first; i < last; i++)
                {
                    full += widths[i];
                    if (i < inkEnd)
                        ink += widths[i];
                }
                if (ink <= maxWidth + Epsilon)
                {
                    Append(first, last, full);
                    continue;
                }
            }

            // Wider than a whole line (a hash, a URL, a run of glued punctuation): break by characters.
            var placed = 0;   // runes of this segment on the current line
            var lastPlaced = -1;   // a hanging space may have been dropped in between
            for (var i = first; i < last; i++)
            {
                if (lineWidth + widths[i] > maxWidth + Epsilon && line.Length > 0)
                {
                    if (IsSpace(runes[i]))
                        continue;
                    // Kinsoku still applies here: carry the previous character over rather than start the line
                    // with a closing mark or end it with an opening one, when both lines still fit.
                    var carry = placed >= 2 && lastPlaced == i - 1 && (IsNoLineStart(runes[i]) || IsNoLineEnd(runes[i - 1]))
                        && widths[i - 1] + widths[i] <= maxWidth + Epsilon;
                    if (carry)
                    {
                        line.Length -= runes[i - 1].Utf16SequenceLength;
                        lineWidth -= widths[i - 1];
                    }
                    Emit();
                    placed = 0;
                    if (carry)
                    {
                        line.Append(runes[i - 1].ToString());
                        lineWidth += widths[i - 1];
                        placed = 1;
                    }
                }
                line.Append(runes[i].ToString());
                lineWidth += widths[i];
                placed++;
                lastPlaced = i;
            }
        }
        if (line.Length > 0 || !wrapped)
            lines.Add(line.ToString().TrimEnd(' ', '\u3000'));

        void Append(int from, int to, double width)
        {
            for (var i = from; i < to; i++)
                line.Append(runes[i].ToString());
            lineWidth += width;
        }
    }
}
