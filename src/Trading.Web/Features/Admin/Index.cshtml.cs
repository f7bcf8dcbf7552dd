using Microsoft.AspNetCore.Mvc;
using Trading.Domain;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Admin;

/// <summary>The administrator's page: organisations, accounts, and the acts on them (create, roles, deactivate, reset).</summary>
public sealed class AdminIndexModel(AdminService admin) : TradingPageModel
{
    public List<OrganisationView> Organisations { get; private set; } = [];
    public List<UserView> Users { get; private set; } = [];
    public List<(Guid Id, string Name, OrganisationKind Kind)> Managed { get; private set; } = [];
    /// <summary>A set-password link just issued: shown once, on the page that issued it.</summary>
    public ResetLink? Link { get; private set; }
    public string? LinkMessage { get; private set; }

    [BindProperty(SupportsGet = true)] public Guid? Org { get; set; }
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }

    [BindProperty] public OrganisationKind Kind { get; set; } = OrganisationKind.OwnerUnit;
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? CreditCode { get; set; }
    [BindProperty] public string? ContactName { get; set; }
    [BindProperty] public string? ContactPhone { get; set; }

    [BindProperty] public string? UserName { get; set; }
    [BindProperty] public string? DisplayName { get; set; }
    [BindProperty] public Guid OrganisationId { get; set; }
    [BindProperty] public List<string> Roles { get; set; } = [];
    [BindProperty] public string? Culture { get; set; }

    [BindProperty] public Guid UserId { get; set; }
    [BindProperty] public string? Reason { get; set; }

    public Task<IActionResult> OnGetAsync() => RunAsync(async () => { await LoadAsync(); return Page(); });

    public Task<IActionResult> OnPostOrganisationAsync() =>
        PostAsync(() => admin.CreateOrganisationAsync(RequireActor(), new OrganisationInput(Kind, Name ?? "", CreditCode, ContactName, ContactPhone), HttpContext.RequestAborted),
            "Admin.OrganisationCreated", null, LoadAsync);

    public Task<IActionResult> OnPostUserAsync() => ShowLinkAsync(() =>
        admin.CreateUserAsync(RequireActor(), new UserInput(UserName ?? "", DisplayName ?? "", OrganisationId, Roles, Culture), HttpContext.RequestAborted), "Admin.UserCreated");

    public Task<IActionResult> OnPostResetAsync() => ShowLinkAsync(() => admin.IssueResetAsync(RequireActor(), UserId, HttpContext.RequestAborted), "Admin.ResetIssued");

    public Task<IActionResult> OnPostRolesAsync() =>
        PostAsync(() => admin.SetRolesAsync(RequireActor(), UserId, new RolesInput(Roles), HttpContext.RequestAborted), "Admin.RolesSaved", null, LoadAsync);

    public Task<IActionResult> OnPostDeactivateAsync() =>
        PostAsync(() => admin.DeactivateAsync(RequireActor(), UserId, new ReasonInput(Reason ?? ""), HttpContext.RequestAborted), "Admin.Deactivated", null, LoadAsync);

    public Task<IActionResult> OnPostReactivateAsync() =>
        PostAsync(() => admin.ReactivateAsync(RequireActor(), UserId, new ReasonInput(Reason ?? ""), HttpContext.RequestAborted), "Admin.Reactivated", null, LoadAsync);

    /// <summary>
    /// The link is rendered on this response only (never put in TempData or a redirect), so it is not kept in a cookie
    /// or the browser's history; the page says to hand it over in person.
    /// </summary>
    private Task<IActionResult> ShowLinkAsync(Func<Task<ResetLink>> act, string doneKey) => RunOrReloadAsync(async () =>
    {
        Link = await act();
        LinkMessage = T[doneKey, Link.UserName];
        ModelState.Clear();
        await LoadAsync();
        return Page();
    }, LoadAsync);

    private async Task LoadAsync()
    {
        var actor = RequireActor();
        Organisations = await admin.OrganisationsAsync(actor, HttpContext.RequestAborted);
        Users = await admin.UsersAsync(actor, Org, Q, HttpContext.RequestAborted);
        Managed = await admin.ManagedOrganisationsAsync(HttpContext.RequestAborted);
    }
}
