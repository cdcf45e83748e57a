using Microsoft.Win32.SafeHandles;

namespace ImageTagger.Imaging.Native;

/// <summary>Owns one GObject reference (a VipsImage or VipsRegion) and drops it with g_object_unref.</summary>
internal sealed class VipsObjectHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public VipsObjectHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        VipsNative.g_object_unref(handle);
        return true;
    }
}
