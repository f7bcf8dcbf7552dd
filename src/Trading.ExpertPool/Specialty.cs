namespace Trading.ExpertPool;

/// <summary>
/// A specialty in the two-level classification: category and field, written "category/field"
/// (for example "construction/civil-works").
/// </summary>
public readonly record struct Specialty
{
    /// <summary>Top level, e.g. "construction".</summary>
    public string Category { get; }
    /// <summary>Second level, e.g. "civil-works".</summary>
    public string Field { get; }

    /// <summary>Creates a specialty; both levels must be non-empty codes without '/', '*' or spaces.</summary>
    public Specialty(string category, string field)
    {
        CheckPart(category, nameof(category));
        CheckPart(field, nameof(field));
        Category = category;
        Field = field;
    }

    /// <summary>Parses "category/field".</summary>
    public static Specialty Parse(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var slash = code.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == code.Length - 1)
        {
            throw new FormatException($"Specialty code '{code}' must be 'category/field'.");
        }
        return new Specialty(code[..slash], code[(slash + 1)..]);
    }

    /// <summary>True when this specialty matches a pattern "category/field" or "category/*".</summary>
    public bool Matches(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var slash = pattern.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return false;
        }
        if (!pattern.AsSpan(0, slash).SequenceEqual(Category))
        {
            return false;
        }
        var field = pattern.AsSpan(slash + 1);
        return field is "*" || field.SequenceEqual(Field);
    }

    /// <summary>Checks a stratum's specialty pattern ("category/field" or "category/*").</summary>
    public static bool IsValidPattern(string pattern)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            return false;
        }
        var slash = pattern.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == pattern.Length - 1)
        {
            return false;
        }
        var category = pattern[..slash];
        var field = pattern[(slash + 1)..];
        return IsValidPart(category) && (field == "*" || IsValidPart(field));
    }

    /// <inheritdoc />
    public override string ToString() => $"{Category}/{Field}";

    private static bool IsValidPart(string part) =>
        part.Length > 0 && !part.Any(c => c is '/' or '*' || char.IsWhiteSpace(c));

    private static void CheckPart(string part, string name)
    {
        if (part is null || !IsValidPart(part))
        {
            throw new ArgumentException($"Specialty {name} '{part}' must be a non-empty code without '/', '*' or spaces.", name);
        }
    }
}
