namespace Trading.Domain;

/// <summary>
/// The 18-character unified social credit code (统一社会信用代码, GB 32100-2015) that identifies every
/// registered organisation in China. No NuGet package validates it, and the rule is a dozen lines.
/// </summary>
public static class UnifiedSocialCreditCode
{
    // The standard's 31-character alphabet: digits and capitals without I, O, S, V and Z.
    private const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    /// <summary>Checks length, alphabet and the check character; returns a rule code when invalid.</summary>
    public static RuleViolation? Validate(string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
            return new RuleViolation(RuleCodes.CreditCodeMissing);
        var c = code.Trim().ToUpperInvariant();
        if (c.Length != 18)
            return new RuleViolation(RuleCodes.CreditCodeLength, c.Length);
        for (var i = 0; i < 18; i++)
        {
            if (Alphabet.IndexOf(c[i], StringComparison.Ordinal) < 0)
                return new RuleViolation(RuleCodes.CreditCodeCharacter, c[i].ToString(), i + 1);
        }
        var expected = CheckCharacter(c.AsSpan(0, 17));
        if (c[17] != expected)
            return new RuleViolation(RuleCodes.CreditCodeCheck, c[17].ToString(), expected.ToString());
        return null;
    }

    public static bool IsValid(string? code) => Validate(code) is null;

    /// <summary>Normalises a valid code (upper case, trimmed).</summary>
    public static string Normalize(string code) => code.Trim().ToUpperInvariant();

    /// <summary>The check character for the first 17 characters.</summary>
    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        if (first17.Length != 17) throw new ArgumentException("17 characters expected", nameof(first17));
        var sum = 0;
        for (var i = 0; i < 17; i++)
            sum += Alphabet.IndexOf(char.ToUpperInvariant(first17[i]), StringComparison.Ordinal) * Weights[i];
        var check = (31 - sum % 31) % 31;
        return Alphabet[check];
    }

    /// <summary>Makes a valid code from 17 characters (for demo data and tests).</summary>
    public static string Complete(string first17) => first17 + CheckCharacter(first17);
}
