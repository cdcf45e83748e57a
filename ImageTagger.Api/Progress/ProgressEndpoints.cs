using System.Text.Json;

namespace ImageTagger.Api.Progress;

/// <summary>Server-sent events of processing progress, for pages that want plain SSE rather than GraphQL.</summary>
public static class ProgressEndpoints
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapProgressEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/progress", async (long? folderId, ProgressService progress, CancellationToken ct) => Results.Json(await progress.GetStatusAsync(folderId, ct), s_json));
        app.MapGet("/progress/events", StreamAsync);
        return app;
    }

    private static async Task StreamAsync(HttpContext http, long? folderId, ProgressEvents events, CancellationToken cancellationToken)
    {
        http.Response.Headers.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        await foreach (var status in events.SubscribeAsync(folderId, cancellationToken))
        {
            await http.Response.WriteAsync($"event: progress\ndata: {JsonSerializer.Serialize(status, s_json)}\n\n", cancellationToken);
            await http.Response.Body.FlushAsync(cancellationToken);
        }
    }
}
