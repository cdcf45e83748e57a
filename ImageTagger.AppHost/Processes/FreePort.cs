using System.Net;
using System.Net.Sockets;

namespace ImageTagger.AppHost.Processes;

internal static class FreePort
{
    /// <summary>A port the OS considers free right now (bind to 0, read, release).</summary>
    public static int Pick()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static int Resolve(int port) => port == 0 ? Pick() : port;

    public static bool IsInUse(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }
}
