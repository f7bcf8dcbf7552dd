using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Trading.Web.Demo;

namespace Trading.Web.Tests.Infrastructure;

/// <summary>Small helpers for calling the JSON API the way a client would.</summary>
public static class TestApi
{
    public static object TenderBody(DateTime deadlineUtc, decimal price = 1_000_000m, decimal bond = 20_000m, string title = "Test road works", DateTime? opening = null, Guid? owner = null) => new
    {
        title, description = "desc", category = "ConstructionWorks", evaluationMethod = "ComprehensiveScoring",
        qualificationRequirements = "Grade 1", bidDeadlineUtc = deadlineUtc, openingTimeUtc = opening ?? deadlineUtc, openingPlace = "Room 1",
        lots = new[] { new { name = "Lot 1", estimatedPriceYuan = price, bidBondYuan = bond } }, ownerOrganisationId = owner,
    };

    public static async Task<JsonElement> Json(this HttpResponseMessage r)
    {
        var text = await r.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts a refusal by its rule code and returns the explanation shown to the user.</summary>
    public static async Task<string> AssertRefused(this HttpResponseMessage r, HttpStatusCode status, string rule)
    {
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == status, $"expected {status}, got {r.StatusCode}: {body}");
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal(rule, json.GetProperty("rule").GetString());
        var detail = json.GetProperty("title").GetString();
        Assert.False(string.IsNullOrWhiteSpace(detail));
        Assert.NotEqual(rule, detail); // the user gets an explanation, not a code
        return detail!;
    }

    public static MultipartFormDataContent File(string fieldName, string fileName, byte[] content, string contentType = "application/pdf")
    {
        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(content);
        part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(part, fieldName, fileName);
        return form;
    }

    public static byte[] Pdf(string text = "Tender documents") => DemoSeeder.MinimalPdf(text);

    /// <summary>Registers, documents, files and publishes a tender as the given owner client; returns its id.</summary>
    public static async Task<Guid> PublishedTenderAsync(HttpClient owner, DateTime deadlineUtc)
    {
        var created = await owner.PostAsJsonAsync("/api/tenders", TenderBody(deadlineUtc));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Json()).GetProperty("id").GetGuid();
        var doc = await owner.PostAsync($"/api/tenders/{id}/documents", File("file", "documents.pdf", Pdf()));
        Assert.Equal(HttpStatusCode.Created, doc.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/tenders/{id}/file-documents", null)).StatusCode);
        var pub = await owner.PostAsync($"/api/tenders/{id}/publish", null);
        Assert.True(pub.IsSuccessStatusCode, await pub.Content.ReadAsStringAsync());
        return id;
    }
}
