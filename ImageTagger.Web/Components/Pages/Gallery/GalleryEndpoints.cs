using ImageTagger.Web.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ImageTagger.Web.Components.Pages.Gallery;

public static class GalleryEndpoints
{
    public static IEndpointRouteBuilder MapGalleryEndpoints(this IEndpointRouteBuilder app)
    {
        // htmx: the next page of thumbnails as an HTML fragment.
        app.MapGet("/gallery/items", async Task<IResult> (HttpContext http, ImageTaggerApiClient api, CancellationToken ct) =>
        {
            var query = GalleryQuery.Parse(http.Request.Query);
            try
            {
                var page = await api.GetImagesAsync(query.ToFilter(), GalleryQuery.PageSize, query.After, ct);
                return new RazorComponentResult<GalleryItems>(new { Page = page, Query = query });
            }
            catch (ApiUnavailableException ex)
            {
                return new RazorComponentResult<Shared.ErrorBanner>(new { Problem = ex.Message });
            }
        });

        app.MapPost("/gallery/bulk", async (HttpContext http, IFormCollection form, ImageTaggerApiClient api, CancellationToken ct) =>
        {
            var back = FormResults.ReturnPath(http, form, "/gallery");
            var ids = FormResults.Ids(form);
            var tags = FormResults.SplitTags(form["tags"]);
            var action = form["action"].ToString();
            if (ids.Count == 0)
            {
                return FormResults.Redirect(back, error: "Select at least one image first.");
            }

            if (action is "add" or "remove" && tags.Count == 0)
            {
                return FormResults.Redirect(back, error: "Enter the tags to " + action + ".");
            }

            return await FormResults.TryAsync(back, async () =>
            {
                var result = action switch
                {
                    "add" => await api.AddTagsAsync(ids, tags, ct),
                    "remove" => await api.RemoveTagsAsync(ids, tags, ct),
                    "reprocess" => await api.ReprocessAsync(ids, ProcessingStage.Analyze, ct),
                    _ => new CountPayload(0, [new UserError("INVALID", "Unknown action.", "action")]),
                };
                if (result.Errors.Count > 0)
                {
                    return FormResults.Redirect(back, error: string.Join(" ", result.Errors.Select(e => e.Message)));
                }

                var message = action switch
                {
                    "add" => $"Added {string.Join(", ", tags)} to {ids.Count} image(s).",
                    "remove" => $"Removed {string.Join(", ", tags)} from {ids.Count} image(s).",
                    _ => $"Queued {ids.Count} image(s) for reprocessing.",
                };
                return FormResults.Redirect(back, message: message);
            });
        });
        return app;
    }
}
