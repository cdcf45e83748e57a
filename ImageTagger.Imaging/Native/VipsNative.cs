using System.Runtime.InteropServices;

namespace ImageTagger.Imaging.Native;

// Thin binding to libvips 8.14 (Debian libvips42). The C API is variadic ("name", value, ..., NULL);
// on x86-64 SysV, int/pointer varargs are passed exactly like fixed arguments, so fixed-arity
// overloads ending in an IntPtr.Zero terminator are safe. Never pass doubles through these.
internal static partial class VipsNative
{
    private const string Vips = "libvips.so.42";
    private const string GObject = "libgobject-2.0.so.0";
    private const string GLib = "libglib-2.0.so.0";

    internal const int AccessRandom = 0;
    internal const int AccessSequential = 1;
    internal const int SizeDown = 2;

    [LibraryImport(Vips, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_init(string argv0);

    [LibraryImport(Vips)]
    internal static partial int vips_version(int flag);

    [LibraryImport(Vips)]
    internal static partial void vips_cache_set_max(int max);

    [LibraryImport(Vips)]
    internal static partial void vips_cache_set_max_mem(nuint maxMem);

    [LibraryImport(Vips)]
    internal static partial void vips_cache_set_max_files(int maxFiles);

    [LibraryImport(Vips)]
    internal static partial void vips_concurrency_set(int concurrency);

    // Returns a g_malloc'd copy and clears the (process-global) error buffer.
    [LibraryImport(Vips)]
    internal static partial IntPtr vips_error_buffer_copy();

    [LibraryImport(Vips)]
    internal static partial void vips_error_clear();

    [LibraryImport(Vips, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial VipsObjectHandle vips_image_new_from_file(
        string name, string n1, int v1, string n2, int v2, IntPtr terminator);

    [LibraryImport(Vips, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial VipsObjectHandle vips_image_new_from_file(
        string name, string n1, int v1, string n2, int v2, string n3, int v3, IntPtr terminator);

    [LibraryImport(Vips)]
    internal static partial int vips_image_get_width(VipsObjectHandle image);

    [LibraryImport(Vips)]
    internal static partial int vips_image_get_height(VipsObjectHandle image);

    [LibraryImport(Vips)]
    internal static partial int vips_image_get_bands(VipsObjectHandle image);

    [LibraryImport(Vips)]
    internal static partial int vips_image_get_format(VipsObjectHandle image);

    [LibraryImport(Vips)]
    internal static partial int vips_image_get_orientation(VipsObjectHandle image);

    [LibraryImport(Vips)]
    internal static partial int vips_image_get_n_pages(VipsObjectHandle image);

    [LibraryImport(Vips)]
    internal static partial int vips_image_hasalpha(VipsObjectHandle image);

    [LibraryImport(Vips, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nuint vips_image_get_typeof(VipsObjectHandle image, string name);

    // out points into the image's own metadata: do not free.
    [LibraryImport(Vips, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_image_get_string(VipsObjectHandle image, string name, out IntPtr value);

    [LibraryImport(Vips, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_thumbnail(
        string filename, out VipsObjectHandle output, int width,
        string n1, int v1, string n2, int v2, string n3, int v3, IntPtr terminator);

    [LibraryImport(Vips, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_thumbnail(
        string filename, out VipsObjectHandle output, int width,
        string n1, int v1, string n2, int v2, string n3, int v3, string n4, int v4, IntPtr terminator);

    // Returns a g_malloc'd buffer of the whole image's pixels.
    [LibraryImport(Vips)]
    internal static partial IntPtr vips_image_write_to_memory(VipsObjectHandle image, out nuint size);

    [LibraryImport(Vips, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_thumbnail_image(
        VipsObjectHandle input, out VipsObjectHandle output, int width,
        string n1, int v1, string n2, int v2, IntPtr terminator);

    [LibraryImport(Vips)]
    internal static partial int vips_autorot(VipsObjectHandle input, out VipsObjectHandle output, IntPtr terminator);

    [LibraryImport(Vips, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_flatten(
        VipsObjectHandle input, out VipsObjectHandle output, string n1, IntPtr background, IntPtr terminator);

    [LibraryImport(Vips)]
    internal static unsafe partial IntPtr vips_array_double_new(double* array, int n);

    [LibraryImport(Vips)]
    internal static partial void vips_area_unref(IntPtr area);

    [LibraryImport(Vips, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_jpegsave_buffer(
        VipsObjectHandle input, out IntPtr buffer, out nuint length,
        string n1, int v1, string n2, int v2, string n3, int v3, IntPtr terminator);

    [LibraryImport(Vips, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_webpsave_buffer(
        VipsObjectHandle input, out IntPtr buffer, out nuint length,
        string n1, int v1, string n2, int v2, string n3, int v3, IntPtr terminator);

    [LibraryImport(Vips)]
    internal static partial VipsObjectHandle vips_image_copy_memory(VipsObjectHandle image);

    [LibraryImport(Vips)]
    internal static partial VipsObjectHandle vips_region_new(VipsObjectHandle image);

    // Returns a g_malloc'd copy of the pixels in the rectangle.
    [LibraryImport(Vips)]
    internal static partial IntPtr vips_region_fetch(
        VipsObjectHandle region, int left, int top, int width, int height, out nuint length);

    [LibraryImport(Vips)]
    internal static partial void vips_image_set_kill(VipsObjectHandle image, int kill);

    [LibraryImport(GObject)]
    internal static partial void g_object_unref(IntPtr instance);

    [LibraryImport(GLib)]
    internal static partial void g_free(IntPtr memory);

    [LibraryImport(GLib, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial uint g_log_set_handler(
        string logDomain, int logLevels, delegate* unmanaged<IntPtr, int, IntPtr, IntPtr, void> handler, IntPtr userData);
}
