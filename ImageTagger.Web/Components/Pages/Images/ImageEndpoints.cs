using ImageTagger.Web.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ImageTagger.Web.Components.Pages.Images;

public static class ImageEndpoints
{
    public static IEndpointRouteBuilder MapImageEndpoints(this IEndpointRouteBuilder app)
    {
        var image = app.MapGroup("/images/{id:int}");
        image.MapPost("/tags/add", (int id, HttpContext http, IFormCollection form, ImageTaggerApiClient api, CancellationToken ct) =>
            ChangeTagsAsync(id, http, FormResults.SplitTags(form["tags"]), add: true, api, ct));
        image.MapPost("/tags/remove", (int id, HttpContext http, IFormCollection form, ImageTaggerApiClient api, CancellationToken ct) =>
            ChangeTagsAsync(id, http, FormResults.SplitTags(form["tag"]), add: false, api, ct));
        image.MapPost("/description", async (int id, IFormCollection form, ImageTaggerApiClient api, CancellationToken ct) =>
        {
            var page = Page(id);
            return await FormResults.TryAsync(page, async () =>
            {
                var result = await api.SetDescriptionAsync(id, form["description"].ToString(), ct);
                return result.Errors.Count > 0
                    ? FormResults.Redirect(page, error: string.Join(" ", result.Errors.Select(e => e.Message)))
                    : FormResults.Redirect(page, message: "Description saved.");
            });
        });
        image.MapPost("/reprocess", async (int id, IFormCollection form, ImageTaggerApiClient api, CancellationToken ct) =>
        {
            var page = Page(id);
            var stage = Enum.TryParse<ProcessingStage>(form["stage"], true, out var s) ? s : ProcessingStage.Analyze;
            return await FormResults.TryAsync(page, async () =>
            {
                var result = await api.ReprocessAsync([id], stage, ct);
                return FormResults.Redirect(page, message: result.Count > 0 ? $"Queued again from {stage}." : "Nothing was queued.");
            });
        });
        return app;
    }

    private static string Page(int id) => $"/images/{id}";

    private static async Task<IResult> ChangeTagsAsync(int id, HttpContext http, List<string> tags, bool add, ImageTaggerApiClient api, CancellationToken ct)
    {
        var htmx = FormResults.IsHtmx(http);
        string? error = null;
        try
        {
            if (tags.Count == 0)
            {
                error = "Enter a tag.";
            }
            else
            {
                var result = add ? await api.AddTagsAsync([id], tags, ct) : await api.RemoveTagsAsync([id], tags, ct);
                error = result.Errors.Count > 0 ? string.Join(" ", result.Errors.Select(e => e.Message)) : null;
            }

            if (!htmx)
            {
                return FormResults.Redirect(Page(id), message: error is null ? (add ? "Tags added." : "Tag removed.") : null, error: error);
            }

            var image = await api.GetImageAsync(id, ct);
            return new RazorComponentResult<ImageTagsPanel>(new { ImageId = id, Tags = image?.Tags ?? [], Error = error });
        }
        catch (Exception ex) when (ex is ApiUnavailableException or ApiRequestException)
        {
            return htmx
                ? new RazorComponentResult<Shared.ErrorBanner>(new { Problem = ex.Message })
                : FormResults.Redirect(Page(id), error: ex.Message);
        }
    }
}
