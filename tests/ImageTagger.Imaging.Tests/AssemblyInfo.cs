// The imaging stack is Debian's libvips and exiftool: these tests run on Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
