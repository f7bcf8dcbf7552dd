using Microsoft.AspNetCore.SignalR;

namespace Trading.Web.Infrastructure;

/// <summary>
/// The "something changed" signal of the live pages (ceremony room, opening hall). It is sent after the act has been
/// saved, so a failed send is logged and never fails the act: a saved act answered with an error would be retried
/// and refused as done twice. Pages re-read their own state on the signal, so a lost one only delays an update.
/// </summary>
public static class LiveSignal
{
    public static async Task SendAsync<THub>(IHubContext<THub> hub, string group, object payload, ILogger logger) where THub : Hub
    {
        try
        {
            await hub.Clients.Group(group).SendAsync("changed", payload);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or HubException)
        {
            logger.LogWarning(e, "Could not signal the live page group {Group}", group);
        }
    }
}
