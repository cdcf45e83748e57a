namespace ImageTagger.Imaging.WriteBack;

/// <summary>Where generated descriptions and keywords go.</summary>
public enum WriteBackMode
{
    /// <summary>Originals and their folders are never written to.</summary>
    None,

    /// <summary>Into the image file itself (EXIF/IPTC/XMP, or XMP + PNG text), atomically.</summary>
    Embedded,

    /// <summary>Into an XMP sidecar next to the image (<c>photo.jpg.xmp</c>); the image is never touched.</summary>
    Sidecar,
}
