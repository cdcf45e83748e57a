using ImageTagger.Catalog;
using ImageTagger.Catalog.Images;
using ImageTagger.Imaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ImageTagger.Api.Images;

/// <summary>
/// Image bytes, addressed by id only: the client never names a path. Thumbnails come from the cache the
/// pipeline fills, or are made on demand; originals are served with ETag, Last-Modified and ranges.
/// </summary>
public static class ImageEndpoints
{
    public static IEndpointRouteBuilder MapImageEndpoints(this IEndpointRouteBuilder app)
    {
        var images = app.MapGroup("/images/{id:long}");
        images.MapGet("/thumbnail", GetThumbnailAsync);
        images.MapGet("/original", GetOriginalAsync);
        return app;
    }

    public static string ThumbnailUrl(long id, int size) => $"/images/{id}/thumbnail?size={size}";

    public static string OriginalUrl(long id) => $"/images/{id}/original";

    private static async Task<IResult> GetThumbnailAsync(
        long id, int? size, HttpContext http, CatalogDbContext db, ThumbnailStore store, IImageProcessor processor, IOptions<ImagingOptions> imaging, CancellationToken cancellationToken)
    {
        var image = await db.Images.AsNoTracking().Where(i => i.Id == id).Select(i => new { i.Path, i.Checksum, i.Status }).SingleOrDefaultAsync(cancellationToken);
        if (image is null)
        {
            return Results.Problem(statusCode: 404, title: "No such image");
        }

        // Only the configured sizes exist: pick the smallest that is at least as large as asked.
        var sizes = imaging.Value.EffectiveThumbnailSizes;
        var wanted = size ?? sizes[0];
        var chosen = sizes.FirstOrDefault(s => s >= wanted, sizes[^1]);
        var format = imaging.Value.ThumbnailFormatFor(chosen);
        // The format is part of the tag: the same size may be stored as WebP or JPEG depending on settings.
        var etag = new EntityTagHeaderValue($"\"t{id}-{chosen}{(format == ThumbnailFormat.WebP ? "w" : "j")}-{(image.Checksum ?? "x")[..Math.Min(16, (image.Checksum ?? "x").Length)]}\"");
        var path = store.PathFor(id, chosen, format);
        if (!File.Exists(path))
        {
            if (image.Status is ImageStatus.Missing or ImageStatus.Failed || !File.Exists(image.Path))
            {
                return Results.Problem(statusCode: 404, title: "No thumbnail", detail: "The image is missing or could not be decoded.");
            }

            try
            {
                var encoded = await Task.Run(() => processor.CreateThumbnail(image.Path, chosen, format, imaging.Value.ThumbnailQualityFor(chosen), cancellationToken), cancellationToken);
                await store.WriteAsync(id, encoded, cancellationToken);
            }
            catch (ImageDecodeException ex)
            {
                return Results.Problem(statusCode: 422, title: "Image cannot be decoded", detail: ex.Message);
            }
        }

        http.Response.Headers.CacheControl = "public, max-age=86400";
        return Results.File(path, format == ThumbnailFormat.WebP ? "image/webp" : "image/jpeg", entityTag: etag, lastModified: File.GetLastWriteTimeUtc(path));
    }

    private static async Task<IResult> GetOriginalAsync(long id, HttpContext http, CatalogDbContext db, CancellationToken cancellationToken)
    {
        var image = await db.Images.AsNoTracking().Where(i => i.Id == id).Select(i => new { i.Path, i.FileName, i.Format, i.Checksum }).SingleOrDefaultAsync(cancellationToken);
        if (image is null || !File.Exists(image.Path))
        {
            return Results.Problem(statusCode: 404, title: "No such image");
        }

        var info = new FileInfo(image.Path);
        var etag = new EntityTagHeaderValue($"\"o{id}-{info.Length}-{info.LastWriteTimeUtc.Ticks}\"");
        http.Response.Headers.CacheControl = "private, max-age=3600";
        return Results.File(image.Path, ContentType(image.Format), image.FileName, info.LastWriteTimeUtc, etag, enableRangeProcessing: true);
    }

    private static string ContentType(string? format) => format switch
    {
        "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "bmp" => "image/bmp",
        "webp" => "image/webp",
        "tiff" => "image/tiff",
        "heif" => "image/heif",
        _ => "application/octet-stream",
    };
}
