using System.Globalization;
using ImageTagger.Web.Api;

namespace ImageTagger.Web.Components.Pages.Crawl;

public static class CrawlEndpoints
{
    private const string Page = "/crawl";

    public static IEndpointRouteBuilder MapCrawlEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Page);
        group.MapPost("/create", async (IFormCollection form, ImageTaggerApiClient api, CancellationToken ct) =>
        {
            var url = form["startUrl"].ToString().Trim();
            return await FormResults.TryAsync(Page, async () =>
            {
                var result = await api.CreateCrawlJobAsync(
                    url, Number(form["maxDepth"], 2), Number(form["maxPages"], 100), Number(form["maxImages"], 500), form["sameHostOnly"].Contains("true"), ct);
                return result.Errors.Count > 0
                    ? FormResults.Redirect(Page, error: string.Join(" ", result.Errors.Select(e => e.Message)), extra: new Dictionary<string, string?> { ["url"] = url })
                    : FormResults.Redirect(Page, message: $"Crawl of {result.CrawlJob?.StartUrl} queued.");
            });
        });
        foreach (var action in new[] { "pause", "resume", "cancel" })
        {
            group.MapPost($"/{{id:int}}/{action}", async (int id, IFormCollection form, ImageTaggerApiClient api, CancellationToken ct) =>
                await FormResults.TryAsync(Page, async () =>
                {
                    var result = await api.ChangeCrawlJobAsync(action, id.ToString(CultureInfo.InvariantCulture), ct);
                    return result.Errors.Count > 0
                        ? FormResults.Redirect(Page, error: string.Join(" ", result.Errors.Select(e => e.Message)))
                        : FormResults.Redirect(Page, message: $"Crawl {id}: {result.CrawlJob?.State.ToLowerInvariant()}.");
                }));
        }

        group.MapPost("/{id:int}/delete", async (int id, IFormCollection form, ImageTaggerApiClient api, CancellationToken ct) =>
            await FormResults.TryAsync(Page, async () =>
            {
                var result = await api.DeleteCrawlJobAsync(id.ToString(CultureInfo.InvariantCulture), ct);
                return result.Errors.Count > 0
                    ? FormResults.Redirect(Page, error: string.Join(" ", result.Errors.Select(e => e.Message)))
                    : FormResults.Redirect(Page, message: "Crawl deleted.");
            }));
        return app;
    }

    private static int Number(string? value, int fallback) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : fallback;
}
