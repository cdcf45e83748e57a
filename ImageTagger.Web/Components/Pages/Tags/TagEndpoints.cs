using ImageTagger.Web.Api;

namespace ImageTagger.Web.Components.Pages.Tags;

public static class TagEndpoints
{
    public static IEndpointRouteBuilder MapTagEndpoints(this IEndpointRouteBuilder app)
    {
        var tag = app.MapGroup("/tags/{id:int}");
        tag.MapPost("/rename", async (int id, HttpContext http, IFormCollection form, ImageTaggerApiClient api, CancellationToken ct) =>
        {
            var back = FormResults.ReturnPath(http, form, "/tags");
            var name = form["name"].ToString().Trim();
            return await FormResults.TryAsync(back, async () =>
            {
                var result = await api.RenameTagAsync(Id(id), name, ct);
                return result.Errors.Count > 0
                    ? FormResults.Redirect(back, error: string.Join(" ", result.Errors.Select(e => e.Message)))
                    : FormResults.Redirect(back, message: $"Renamed to {result.Tag?.Name}.");
            });
        });
        tag.MapPost("/merge", async (int id, HttpContext http, IFormCollection form, ImageTaggerApiClient api, CancellationToken ct) =>
        {
            var back = FormResults.ReturnPath(http, form, "/tags");
            var targetName = form["target"].ToString().Trim();
            return await FormResults.TryAsync(back, async () =>
            {
                var candidates = await api.GetTagsAsync(targetName, 20, null, ct);
                var target = candidates.Nodes.FirstOrDefault(t => string.Equals(t.Name, targetName, StringComparison.OrdinalIgnoreCase));
                if (target is null)
                {
                    return FormResults.Redirect(back, error: $"There is no tag named {targetName}.");
                }

                var result = await api.MergeTagsAsync([Id(id)], target.Id, ct);
                return result.Errors.Count > 0
                    ? FormResults.Redirect(back, error: string.Join(" ", result.Errors.Select(e => e.Message)))
                    : FormResults.Redirect(back, message: $"Merged into {result.Tag?.Name}.");
            });
        });
        tag.MapPost("/delete", async (int id, HttpContext http, IFormCollection form, ImageTaggerApiClient api, CancellationToken ct) =>
        {
            var back = FormResults.ReturnPath(http, form, "/tags");
            return await FormResults.TryAsync(back, async () =>
            {
                var result = await api.DeleteTagAsync(Id(id), ct);
                return result.Errors.Count > 0
                    ? FormResults.Redirect(back, error: string.Join(" ", result.Errors.Select(e => e.Message)))
                    : FormResults.Redirect(back, message: "Tag deleted.");
            });
        });
        return app;
    }

    private static string Id(int id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
