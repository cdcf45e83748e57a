using System.Net;

namespace ImageTagger.Web.Media;

/// <summary>
/// The browser only talks to the Web: image bytes come from the Api through here
/// (web → api only), with the Api's caching headers and conditional/range requests passed along.
/// </summary>
public static partial class MediaEndpoints
{
    private static readonly string[] s_forwardedRequestHeaders = ["If-None-Match", "If-Modified-Since", "Range", "If-Range"];
    private static readonly string[] s_forwardedResponseHeaders = ["Cache-Control", "ETag", "Last-Modified", "Accept-Ranges", "Content-Range", "Content-Disposition"];

    public static string ThumbnailUrl(int imageId, int size = 256) => $"/media/{imageId}/thumbnail?size={size}";

    public static string OriginalUrl(int imageId) => $"/media/{imageId}/original";

    public static IEndpointRouteBuilder MapMediaEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/media/{id:int}/thumbnail", (int id, int? size, HttpContext http, IHttpClientFactory clients, ILoggerFactory loggers, CancellationToken ct) =>
            ProxyAsync($"images/{id}/thumbnail?size={Math.Clamp(size ?? 256, 16, 4096)}", http, clients, loggers, ct));
        app.MapGet("/media/{id:int}/original", (int id, HttpContext http, IHttpClientFactory clients, ILoggerFactory loggers, CancellationToken ct) =>
            ProxyAsync($"images/{id}/original", http, clients, loggers, ct));
        return app;
    }

    private static async Task ProxyAsync(string path, HttpContext http, IHttpClientFactory clients, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var name in s_forwardedRequestHeaders)
        {
            if (http.Request.Headers.TryGetValue(name, out var value))
            {
                request.Headers.TryAddWithoutValidation(name, value.ToArray());
            }
        }

        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(WebServiceExtensions.MediaClient).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogProxyFailed(loggers.CreateLogger(typeof(MediaEndpoints)), path, ex.Message);
            http.Response.StatusCode = StatusCodes.Status502BadGateway;
            return;
        }

        using (response)
        {
            http.Response.StatusCode = (int)response.StatusCode;
            foreach (var name in s_forwardedResponseHeaders)
            {
                if (response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values))
                {
                    http.Response.Headers[name] = values.ToArray();
                }
            }

            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return;
            }

            if (response.Content.Headers.ContentType is { } type)
            {
                http.Response.ContentType = type.ToString();
            }

            if (response.Content.Headers.ContentLength is { } length)
            {
                http.Response.ContentLength = length;
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            await body.CopyToAsync(http.Response.Body, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxying {Path} to the Api failed: {Reason}")]
    private static partial void LogProxyFailed(ILogger logger, string path, string reason);
}
