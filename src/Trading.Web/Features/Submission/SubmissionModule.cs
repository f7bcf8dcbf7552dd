using Microsoft.AspNetCore.Mvc.RazorPages;
using Trading.Crypto;
using Trading.Domain;
using Trading.Domain.Bidding;
using Trading.Web.Api;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Submission;

public sealed record StartUploadRequest(Guid LotId, long Length);
public sealed record CompleteUploadRequest(System.Text.Json.JsonElement SignedManifest);

public static class SubmissionModule
{
    public static IServiceCollection AddSubmission(this IServiceCollection services, IConfiguration config)
    {
        services.Configure<SubmissionOptions>(config.GetSection("Submission"));
        services.AddScoped<CeremonyService>();
        services.AddScoped<BidService>();
        services.AddSingleton<ILogIntegrationHook, BidLogIndexHook>();
        services.AddSingleton<UploadDigests>();
        services.AddScoped<OpeningService>();
        services.AddScoped<OpeningRecordPdf>();
        services.AddScoped<IPublicationStep, StartCeremonyAtPublication>();
        services.AddScheduledJob<UploadSweep>();
        services.AddSingleton<DemoOfficerKeys>();
        services.AddScoped<SubmissionDemo>();
        services.AddScoped<Demo.IDemoSeed>(sp => sp.GetRequiredService<SubmissionDemo>());
        services.PostConfigure<RazorPagesOptions>(o =>
        {
            o.Conventions.AuthorizeFolder("/Submission");
            o.Conventions.AuthorizePage("/Submission/Bid", Policies.Bidder);
        });
        return services;
    }

    /// <summary>The bidder's API for `trading seal` envelopes and scripted clients (bearer tokens, like the rest of /api).</summary>
    public static void MapSubmission(this WebApplication app)
    {
        // The joint key is part of the public notice: anyone may fetch it to seal with `trading seal`.
        app.MapGroup("/api/public").AddEndpointFilter<RuleErrorFilter>().MapGet("/tenders/{id:guid}/joint-key", async (Guid id, CeremonyService s, CancellationToken ct) =>
            await s.FindAsync(id, ct) is { JointKeyJson: { } key } ? Results.Text(key, "application/json") : Results.NotFound()).AllowAnonymous();

        var api = app.MapGroup("/api").AddEndpointFilter<RuleErrorFilter>().DisableAntiforgery().RequireAuthorization(Policies.Api);
        api.MapGet("/tenders/{id:guid}/sealing", async (Guid id, HttpContext http, BidService s, CancellationToken ct) =>
        {
            var (t, firm, c) = await s.PrepareAsync(Act(http), id, ct);
            return SealingDto.From(t, firm, c);
        });
        api.MapPost("/tenders/{id:guid}/bids/uploads", async (Guid id, StartUploadRequest r, HttpContext http, BidService s, CancellationToken ct) =>
        {
            var u = await s.StartUploadAsync(Act(http), id, r.LotId, r.Length, ct);
            return Results.Created($"/api/bids/uploads/{u.Id}", new { uploadId = u.Id, received = u.Received, expected = u.ExpectedLength });
        });
        api.MapGet("/bids/uploads/{uid:guid}", async (Guid uid, HttpContext http, BidService s, CancellationToken ct) =>
        {
            var u = await s.GetUploadAsync(Act(http), uid, ct);
            return new { uploadId = u.Id, received = u.Received, expected = u.ExpectedLength, completed = u.CompletedAt is not null, bidId = u.BidId };
        });
        api.MapPut("/bids/uploads/{uid:guid}", async (Guid uid, long offset, HttpContext http, BidService s, CancellationToken ct) =>
        {
            var u = await s.AppendAsync(Act(http), uid, offset, http.Request.Body, ct);
            return new { uploadId = u.Id, received = u.Received, expected = u.ExpectedLength };
        });
        api.MapPost("/bids/uploads/{uid:guid}/complete", async (Guid uid, CompleteUploadRequest r, HttpContext http, BidService s, CancellationToken ct) =>
        {
            var bid = await s.CompleteAsync(Act(http), uid, r.SignedManifest.GetRawText(), http.Request.Headers.UserAgent.ToString(), ct);
            return BidDto.From(bid);
        });
        api.MapGet("/tenders/{id:guid}/bids/mine", async (Guid id, HttpContext http, BidService s, CancellationToken ct) =>
            (await s.MyBidsAsync(Act(http), id, ct)).Select(BidDto.From));
        api.MapPost("/bids/{bidId:guid}/withdraw", async (Guid bidId, HttpContext http, BidService s, CancellationToken ct) =>
            BidDto.From(await s.WithdrawAsync(Act(http), bidId, ct)));
        api.MapGet("/tenders/{id:guid}/opening", async (Guid id, HttpContext http, OpeningService s, CancellationToken ct) =>
        {
            var (_, c, rows) = await s.RecordAsync(Act(http), id, ct);
            return new { openedAt = c.OpenedAt, transcriptSha256 = c.TranscriptSha256, rows };
        });
        // Every key holder keeps its share off the server (Features/Custody): the frozen bids after the deadline, and
        // the upload of the partials its officer's machine made from them.
        api.MapGet("/tenders/{id:guid}/opening/batch", async (Guid id, HttpContext http, OpeningService s, CancellationToken ct) =>
            Results.Text(CryptoJson.Serialize(await s.BatchAsync(Act(http), http.User, id, ct)), "application/json"));
        api.MapPost("/tenders/{id:guid}/opening/partials", async (Guid id, HttpContext http, OpeningService s, CancellationToken ct) =>
        {
            await s.UploadPartialsAsync(Act(http), http.User, id, http.Request.Body, ct);
            var (_, c, _) = await s.RecordAsync(Act(http), id, ct);
            return new { accepted = true, openedAt = c.OpenedAt };
        });
        api.MapGet("/tenders/{id:guid}/opening/transcript", async (Guid id, HttpContext http, OpeningService s, CancellationToken ct) =>
        {
            var (json, _) = await s.TranscriptAsync(Act(http), id, ct);
            return Results.Text(json, "application/json");
        });
    }

    private static Actor Act(HttpContext http) => Actor.From(http) ?? throw new ForbiddenException(RuleCodes.SignInRequired);

    /// <summary>The ceremony starts with the notice, in its transaction, so a published tender always has one (and no GET creates it).</summary>
    private sealed class StartCeremonyAtPublication(CeremonyService ceremonies) : IPublicationStep
    {
        public Task OnPublishingAsync(Tender tender, CancellationToken ct) => ceremonies.StartAsync(tender, ct);
    }

    /// <summary>Removes uploads abandoned longer than <see cref="SubmissionOptions.AbandonedUploadAge"/> (never an active or accepted one).</summary>
    public sealed class UploadSweep(IServiceScopeFactory scopes, IConfiguration config, ILogger<UploadSweep> logger, Microsoft.Extensions.Options.IOptions<SubmissionOptions> options)
        : ScheduledJob(config, logger)
    {
        protected override TimeSpan Period => options.Value.UploadSweepPeriod;

        public override async Task<int> RunOnceAsync(CancellationToken ct)
        {
            await using var scope = scopes.CreateAsyncScope();
            var removed = await scope.ServiceProvider.GetRequiredService<BidService>().SweepAbandonedUploadsAsync(options.Value.AbandonedUploadAge, ct);
            if (removed > 0) logger.LogInformation("Removed {Count} abandoned bid uploads", removed);
            return removed;
        }
    }
}

public sealed record SealingLot(Guid Id, int Number, string Name, string LotContext);

/// <summary>What the sealing page and `trading seal` need: the strings bound into the envelope and the joint key.</summary>
public sealed record SealingDto(Guid TenderId, string Tender, string Bidder, string? JointKey, string? KeyId, string Ceremony, DateTime Deadline, IReadOnlyList<SealingLot> Lots, string? Suite = null)
{
    public static SealingDto From(Tender t, Organisation firm, KeyCeremony? c)
    {
        var key = c?.JointKeyJson is null ? null : CryptoJson.Deserialize<JointKey>(c.JointKeyJson);
        var ctx = t.Lots.Count == 0 ? null : BidService.ContextOf(t, t.Lots[0], firm);
        return new(t.Id, t.Code, ctx?.Bidder ?? "", key is null ? null : Convert.ToHexStringLower(key.PublicKey), key?.KeyIdHex,
            (c?.Status ?? CeremonyStatus.AwaitingHolders).ToString(), t.BidDeadline,
            t.Lots.OrderBy(l => l.Number).Select(l => new SealingLot(l.Id, l.Number, l.Name, BidService.ContextOf(t, l, firm).Lot)).ToList(), key?.Suite);
    }
}

public sealed record BidDto(Guid Id, Guid LotId, string Status, string EnvelopeSha256, long Length, DateTime SubmittedAt, long LogIndex, string ReceiptUrl)
{
    public static BidDto From(Bid b) => new(b.Id, b.LotId, b.Status.ToString(), b.EnvelopeSha256, b.Length, b.SubmittedAt, b.LogIndex, $"/api/log/receipts/{b.LogIndex}");
}
