using Trading.Web.Api;
using Trading.Web.Features.Admin;
using Trading.Web.Features.Archive;
using Trading.Web.Features.Award;
using Trading.Web.Features.Certificates;
using Trading.Web.Features.CheckIn;
using Trading.Web.Features.Custody;
using Trading.Web.Features.Draw;
using Trading.Web.Features.Engagements;
using Trading.Web.Features.Evaluation;
using Trading.Web.Features.Firms;
using Trading.Web.Features.Integrity;
using Trading.Web.Features.Log;
using Trading.Web.Features.Notifications;
using Trading.Web.Features.OpenData;
using Trading.Web.Features.Opening;
using Trading.Web.Features.Submission;
using Trading.Web.Features.Supervision;
using Trading.Web.Features.Tenders;
using Trading.Web.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
var (services, config) = (builder.Services, builder.Configuration);

// Settings, data folder, database, files, the log writer, identity, localization, pages (Infrastructure/PlatformModule).
builder.AddPlatform();

// Features: services, page authorization, jobs and demo data, one line each (Features/<Feature>/<Feature>Module).
services.AddTenders(config);
services.AddFirms(config);
services.AddEngagements(config);
services.AddAdmin(config);
services.AddNotifications(config);
services.AddLog(config);
services.AddSubmission(config);
services.AddCustody(config);
services.AddOpeningHall(config);
services.AddExpertDraw(config);
services.AddCheckIn(config);
services.AddEvaluation(config);
services.AddSupervision(config);
services.AddIntegrity(config);
services.AddArchive(config);
services.AddOpenData(config);
services.AddAward(config);
services.AddCertificates(config);

var app = builder.Build();
await app.UsePlatformAsync();

// Endpoints: the JSON API of tenders and firms (Api/), then each feature's, one line each.
app.MapTradingApi();
app.MapLog();
app.MapEngagements();
app.MapAdmin();
app.MapSubmission();
app.MapCustody();
app.MapOpeningHall();
app.MapExpertDraw();
app.MapCheckIn();
app.MapEvaluation();
app.MapClarifications();
app.MapArchive();
app.MapOpenData();
app.MapAward();
app.MapCertificates();

app.Run();

public partial class Program;
