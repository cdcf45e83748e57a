using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace ImageTagger.Api.Images;

/// <summary>
/// A keyset cursor: the sort key of the last image of a page (its order, id and the ordered value), so the next
/// page starts right after it through an index instead of skipping rows with OFFSET. Opaque to clients
/// (base64url of <c>k1|order|id|value</c>); a cursor of another order is refused, never misread.
/// </summary>
public sealed record ImageCursor(ImageOrder Order, long Id, DateTimeOffset? TakenAt = null, string? FileName = null)
{
    private const string Prefix = "k1|";

    public static ImageCursor Of(Catalog.Images.Image image, ImageOrder order) => order switch
    {
        ImageOrder.TakenAt => new(order, image.Id, TakenAt: image.TakenAt),
        ImageOrder.FileName => new(order, image.Id, FileName: image.FileName),
        _ => new(order, image.Id),
    };

    public string Encode()
    {
        var value = Order switch
        {
            ImageOrder.TakenAt => TakenAt is { } t ? t.UtcTicks.ToString(CultureInfo.InvariantCulture) : "",
            ImageOrder.FileName => FileName ?? "",
            _ => "",
        };
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{Prefix}{Order}|{Id.ToString(CultureInfo.InvariantCulture)}|{value}"));
    }

    /// <summary>Null when <paramref name="cursor"/> is not a keyset cursor at all (e.g. an offset cursor of an older client).</summary>
    public static ImageCursor? TryDecode(string cursor)
    {
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(cursor);
        }
        catch (FormatException)
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(bytes);
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = text[Prefix.Length..].Split('|', 3);
        if (parts.Length != 3 || !Enum.TryParse<ImageOrder>(parts[0], out var order) || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return null;
        }

        return order switch
        {
            ImageOrder.TakenAt when parts[2].Length == 0 => new(order, id),
            ImageOrder.TakenAt => long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ? new(order, id, TakenAt: new DateTimeOffset(ticks, TimeSpan.Zero)) : null,
            ImageOrder.FileName => new(order, id, FileName: parts[2]),
            _ => new(order, id),
        };
    }
}
