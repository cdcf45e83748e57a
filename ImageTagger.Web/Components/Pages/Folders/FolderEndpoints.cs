using ImageTagger.Web.Api;

namespace ImageTagger.Web.Components.Pages.Folders;

public static class FolderEndpoints
{
    private const string Page = "/folders";

    public static IEndpointRouteBuilder MapFolderEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Page);
        group.MapPost("/add", async (IFormCollection form, ImageTaggerApiClient api, CancellationToken ct) =>
        {
            var path = form["path"].ToString().Trim();
            var mode = Enum.TryParse<WriteBackMode>(form["writeBackMode"], true, out var m) ? m : WriteBackMode.None;
            return await CallAsync(async () =>
            {
                var result = await api.AddFolderAsync(path, form["recursive"].Contains("true"), mode, ct);
                return result.Errors.Count > 0
                    ? FormResults.Redirect(Page, error: string.Join(" ", result.Errors.Select(e => e.Message)), extra: new Dictionary<string, string?> { ["path"] = path })
                    : FormResults.Redirect(Page, message: $"Added {result.Folder?.Path}; scanning starts shortly.");
            });
        });
        group.MapPost("/{id:int}/update", async (int id, IFormCollection form, ImageTaggerApiClient api, CancellationToken ct) =>
        {
            bool? active = form.ContainsKey("active") ? form["active"].Contains("true") : null;
            bool? recursive = form.ContainsKey("settings") ? form["recursive"].Contains("true") : null;
            WriteBackMode? mode = Enum.TryParse<WriteBackMode>(form["writeBackMode"], true, out var m) ? m : null;
            return await CallAsync(async () =>
            {
                var result = await api.UpdateFolderAsync(Id(id), active, recursive, mode, ct);
                return result.Errors.Count > 0
                    ? FormResults.Redirect(Page, error: string.Join(" ", result.Errors.Select(e => e.Message)))
                    : FormResults.Redirect(Page, message: $"Saved {result.Folder?.Path}.");
            });
        });
        group.MapPost("/{id:int}/remove", async (int id, IFormCollection form, ImageTaggerApiClient api, CancellationToken ct) =>
            await CallAsync(async () =>
            {
                var result = await api.RemoveFolderAsync(Id(id), ct);
                return result.Errors.Count > 0
                    ? FormResults.Redirect(Page, error: string.Join(" ", result.Errors.Select(e => e.Message)))
                    : FormResults.Redirect(Page, message: "Folder removed.");
            }));
        group.MapPost("/{id:int}/scan", async (int id, IFormCollection form, ImageTaggerApiClient api, CancellationToken ct) =>
            await CallAsync(async () =>
            {
                var result = await api.ScanFolderAsync(Id(id), ct);
                return FormResults.Redirect(Page, message: $"Scan queued ({result.Count}).");
            }));
        group.MapPost("/scan", async (IFormCollection form, ImageTaggerApiClient api, CancellationToken ct) =>
            await CallAsync(async () =>
            {
                var result = await api.ScanFolderAsync(null, ct);
                return FormResults.Redirect(Page, message: $"Scan of {result.Count} folder(s) queued.");
            }));
        return app;
    }

    private static string Id(int id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static Task<IResult> CallAsync(Func<Task<IResult>> call) => FormResults.TryAsync(Page, call);
}
