using Trading.Integrity.Model;

namespace Trading.Integrity.Screens;

/// <summary>
/// How many registered firms give each contact phone and e-mail. A registration agency (代办公司) registers dozens of
/// clients with its own address, so a contact many firms share says nothing about who handled a bid (L2).
/// </summary>
public sealed class RegistryBaseline
{
    private readonly Dictionary<string, HashSet<string>> firmsByContact = new(StringComparer.Ordinal);

    private RegistryBaseline() { }

    /// <summary>Registered firms counted.</summary>
    public int FirmCount { get; private set; }

    /// <summary>Builds the counts from every registered firm (not only bidders: an agency's clients need not bid).</summary>
    public static RegistryBaseline Build(IEnumerable<RegisteredFirm> firms)
    {
        ArgumentNullException.ThrowIfNull(firms);
        var b = new RegistryBaseline();
        foreach (var f in firms.DistinctBy(f => f.FirmId))
        {
            b.FirmCount++;
            foreach (var p in f.Phones) b.Add(LegalScreens.ContactKey("phone", p), f.FirmId);
            foreach (var e in f.Emails) b.Add(LegalScreens.ContactKey("email", e), f.FirmId);
        }
        return b;
    }

    private void Add(string? key, string firm)
    {
        if (key is null) return;
        if (!firmsByContact.TryGetValue(key, out var set))
        {
            firmsByContact[key] = set = new HashSet<string>(StringComparer.Ordinal);
        }
        set.Add(firm);
    }

    /// <summary>Registered firms giving this contact (key as <see cref="LegalScreens.ContactKey"/> makes it).</summary>
    internal int FirmsWith(string key) => firmsByContact.TryGetValue(key, out var set) ? set.Count : 0;
}
