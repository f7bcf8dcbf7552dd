using System.Runtime.CompilerServices;

namespace Trading.Integrity.Documents;

/// <summary>A token of extracted text: its hash, where it sits, and on which page.</summary>
internal readonly record struct Token(ulong Hash, int PageIndex, int Start, int Length);

/// <summary>Tokenized text of one attachment, with a shingle hash per token position.</summary>
internal sealed class TokenizedDocument
{
    public required AttachmentContent Content { get; init; }
    public required Token[] Tokens { get; init; }
    /// <summary>Shingle hash starting at each position (length Tokens.Length - k + 1, or 0).</summary>
    public required ulong[] ShingleAt { get; init; }

    public string TokenText(int i)
    {
        var t = Tokens[i];
        return Content.Pages[t.PageIndex].Text.Substring(t.Start, t.Length);
    }

    public string Snippet(int from, int count, int maxChars = 240)
    {
        var a = Tokens[from];
        var b = Tokens[Math.Min(from + count, Tokens.Length) - 1];
        var text = Content.Pages[a.PageIndex].Text;
        var end = b.PageIndex == a.PageIndex ? b.Start + b.Length : text.Length;
        var s = text[a.Start..end].ReplaceLineEndings(" ");
        return s.Length <= maxChars ? s : s[..maxChars] + "…";
    }
}

/// <summary>
/// Tokenizing and hashing. The BCL has no stable non-cryptographic 64-bit string hash
/// (string.GetHashCode is randomized per process and System.IO.Hashing is not a listed package),
/// and SHA-256 per token would be far too slow, so FNV-1a and a SplitMix64 finalizer are written here.
/// </summary>
internal static class Shingles
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    /// <summary>Words of Latin-script text and single CJK characters are tokens; case is folded.</summary>
    public static TokenizedDocument Tokenize(AttachmentContent content, int k)
    {
        var tokens = new List<Token>();
        for (var p = 0; p < content.Pages.Count; p++)
        {
            var text = content.Pages[p].Text;
            var i = 0;
            while (i < text.Length)
            {
                var c = text[i];
                if (IsCjk(c))
                {
                    tokens.Add(new Token(HashChars(text.AsSpan(i, 1)), p, i, 1));
                    i++;
                }
                else if (char.IsLetterOrDigit(c))
                {
                    var start = i;
                    while (i < text.Length && char.IsLetterOrDigit(text[i]) && !IsCjk(text[i]))
                    {
                        i++;
                    }
                    tokens.Add(new Token(HashChars(text.AsSpan(start, i - start)), p, start, i - start));
                }
                else
                {
                    i++;
                }
            }
        }
        var arr = tokens.ToArray();
        var count = Math.Max(0, arr.Length - k + 1);
        var shingles = new ulong[count];
        for (var s = 0; s < count; s++)
        {
            var h = FnvOffset;
            for (var j = 0; j < k; j++)
            {
                h = (h ^ arr[s + j].Hash) * FnvPrime;
            }
            shingles[s] = Mix(h);
        }
        return new TokenizedDocument { Content = content, Tokens = arr, ShingleAt = shingles };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsCjk(char c) => c is >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF';

    private static ulong HashChars(ReadOnlySpan<char> s)
    {
        var h = FnvOffset;
        foreach (var ch in s)
        {
            h = (h ^ char.ToLowerInvariant(ch)) * FnvPrime;
        }
        return Mix(h);
    }

    /// <summary>SplitMix64 finalizer: spreads bits so MinHash permutations can be made by xor with a seed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>MinHash signature: for each of <paramref name="size"/> seeded permutations, the minimum hash.</summary>
    public static ulong[] MinHash(IEnumerable<ulong> set, int size)
    {
        var sig = new ulong[size];
        Array.Fill(sig, ulong.MaxValue);
        foreach (var x in set)
        {
            for (var i = 0; i < size; i++)
            {
                var h = Mix(x ^ (0x9E3779B97F4A7C15UL * (ulong)(i + 1)));
                if (h < sig[i])
                {
                    sig[i] = h;
                }
            }
        }
        return sig;
    }
}
