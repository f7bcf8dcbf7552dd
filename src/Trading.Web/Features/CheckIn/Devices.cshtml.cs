using Microsoft.AspNetCore.Mvc;
using Trading.Domain.CheckIn;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.CheckIn;

/// <summary>Centre staff approve and revoke check-in kiosks (issue 21).</summary>
public sealed class CheckInDevicesModel(KioskDeviceService devices) : TradingPageModel
{
    public IReadOnlyList<KioskDevice> Devices { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Devices = await devices.ListAsync(ct);

    public async Task<IActionResult> OnPostApproveAsync(Guid id, string? name, CancellationToken ct)
    {
        var result = await RunAsync(async () =>
        {
            var d = await devices.ApproveAsync(RequireActor(), id, name, ct);
            Flash("CheckIn.Device.Done", d.Name);
            return RedirectToPage();
        });
        Devices = await devices.ListAsync(ct);
        return result;
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken ct)
    {
        var result = await RunAsync(async () =>
        {
            var d = await devices.RevokeAsync(RequireActor(), id, ct);
            Flash("CheckIn.Device.RevokedDone", d.Name);
            return RedirectToPage();
        });
        Devices = await devices.ListAsync(ct);
        return result;
    }
}
