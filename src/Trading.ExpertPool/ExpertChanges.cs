using System.Globalization;

namespace Trading.ExpertPool;

/// <summary>One changed field of an expert's profile, rendered as text for the change log.</summary>
/// <param name="Field">camelCase field name.</param>
/// <param name="Before">Old value (the ID number is never shown, only that it changed).</param>
/// <param name="After">New value.</param>
public sealed record FieldChange(string Field, string Before, string After);

/// <summary>
/// Profile changes for the log: every change to the pool is logged, and experts may edit their
/// own profile but not the fields staff or the registry own.
/// </summary>
public static class ExpertChanges
{
    private const string Protected = "[protected]";

    /// <summary>Fields only centre staff (or registry imports) may change.</summary>
    public static IReadOnlyList<string> StaffOnlyFields { get; } = ["status", "registryLinks", "lastDrawnForOwner", "title", "practiceSince"];

    /// <summary>Lists every changed field, in a fixed order. Both profiles must be the same expert.</summary>
    public static IReadOnlyList<FieldChange> Diff(Expert before, Expert after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if (before.Id != after.Id)
        {
            throw new ArgumentException($"Expert ids differ ('{before.Id}' and '{after.Id}'): a diff is of one expert's profile.", nameof(after));
        }
        var changes = new List<FieldChange>();
        void Field(string name, string a, string b)
        {
            if (a != b)
            {
                changes.Add(new FieldChange(name, a, b));
            }
        }
        Field("name", before.Name, after.Name);
        if (before.ProtectedIdNumber != after.ProtectedIdNumber)
        {
            changes.Add(new FieldChange("idNumber", Protected, Protected));
        }
        Field("phone", before.Contact.Phone ?? "", after.Contact.Phone ?? "");
        Field("email", before.Contact.Email ?? "", after.Contact.Email ?? "");
        Field("birthDate", Day(before.BirthDate), Day(after.BirthDate));
        Field("employerId", before.EmployerId ?? "", after.EmployerId ?? "");
        Field("employmentHistory", Join(before.EmploymentHistory, j => $"{j.EmployerId}:{Day(j.From)}..{(j.To is { } t ? Day(t) : "")}"), Join(after.EmploymentHistory, j => $"{j.EmployerId}:{Day(j.From)}..{(j.To is { } t ? Day(t) : "")}"));
        Field("specialties", Join(before.Specialties, s => s.ToString()), Join(after.Specialties, s => s.ToString()));
        Field("title", DrawAlgorithm.EnumName(before.Title), DrawAlgorithm.EnumName(after.Title));
        Field("practiceSince", Day(before.PracticeSince), Day(after.PracticeSince));
        Field("region", before.Region, after.Region);
        Field("status", DrawAlgorithm.EnumName(before.Status), DrawAlgorithm.EnumName(after.Status));
        Field("relationships", Join(before.Relationships, r => $"{r.PartyId}:{DrawAlgorithm.EnumName(r.Kind)}"), Join(after.Relationships, r => $"{r.PartyId}:{DrawAlgorithm.EnumName(r.Kind)}"));
        Field("registryLinks", Join(before.RegistryLinks, r => $"{r.PartyId}:{DrawAlgorithm.EnumName(r.Kind)}"), Join(after.RegistryLinks, r => $"{r.PartyId}:{DrawAlgorithm.EnumName(r.Kind)}"));
        Field("unavailable", Join(before.Unavailable, u => $"{Day(u.From)}..{Day(u.To)}"), Join(after.Unavailable, u => $"{Day(u.From)}..{Day(u.To)}"));
        Field("lastDrawnForOwner", Join(before.LastDrawnForOwner, kv => $"{kv.Key}:{Day(kv.Value)}"), Join(after.LastDrawnForOwner, kv => $"{kv.Key}:{Day(kv.Value)}"));
        return changes;
    }

    /// <summary>Refuses an expert's own edit that touches a staff-only field, naming the field.</summary>
    public static IReadOnlyList<FieldChange> CheckSelfEdit(Expert before, Expert after)
    {
        var changes = Diff(before, after);
        var forbidden = changes.FirstOrDefault(c => StaffOnlyFields.Contains(c.Field));
        if (forbidden is not null)
        {
            throw new ProfileEditRefusedException(Reason.Of(ReasonCodes.StaffOnlyField, ("field", forbidden.Field)));
        }
        return changes;
    }

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // Sorted so that reordering a list is not reported as a change.
    private static string Join<T>(IEnumerable<T> items, Func<T, string> render) =>
        string.Join("; ", items.Select(render).Order(StringComparer.Ordinal));
}
