using Trading.ExpertPool;

namespace Trading.ExpertPool.Tests;

public class ExpertChangesTests
{
    private static readonly Expert Before = Fixtures.Clean("E1", "construction/roads") with
    {
        EmploymentHistory = [new Employment("firm-1", new DateOnly(2001, 1, 1), new DateOnly(2010, 1, 1)), new Employment("firm-2", new DateOnly(2010, 2, 1), null)],
    };

    [Fact]
    public void Every_changed_field_is_listed_and_the_id_number_never_shown()
    {
        var after = Before with
        {
            ProtectedIdNumber = "enc:other",
            Region = "zj/nb/haishu",
            Specialties = [Specialty.Parse("construction/roads"), Specialty.Parse("water/hydraulic")],
            Unavailable = [new DayRange(new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 3))],
        };
        var changes = ExpertChanges.Diff(Before, after);
        Assert.Equal(["idNumber", "specialties", "region", "unavailable"], changes.Select(c => c.Field));
        Assert.DoesNotContain(changes, c => c.Before.Contains("enc:", StringComparison.Ordinal) || c.After.Contains("enc:", StringComparison.Ordinal));
        Assert.Equal("zj/nb/haishu", changes.Single(c => c.Field == "region").After);
    }

    [Fact]
    public void Reordering_a_list_is_not_a_change()
    {
        var after = Before with { EmploymentHistory = [Before.EmploymentHistory[1], Before.EmploymentHistory[0]] };
        Assert.Empty(ExpertChanges.Diff(Before, after));
    }

    [Fact]
    public void Experts_cannot_change_staff_only_fields_of_their_own_profile()
    {
        Assert.Single(ExpertChanges.CheckSelfEdit(Before, Before with { Contact = new ExpertContact("138", null) }));
        var ex = Assert.Throws<ProfileEditRefusedException>(() => ExpertChanges.CheckSelfEdit(Before, Before with { Status = ExpertStatus.Active, Title = ExpertTitle.FullSenior }));
        Assert.Equal(ReasonCodes.StaffOnlyField, ex.Code);
        Assert.Equal("title", ex.Reason.Args["field"]);
        Assert.Throws<ArgumentException>(() => ExpertChanges.Diff(Before, Before with { Id = "E2" }));
    }
}
