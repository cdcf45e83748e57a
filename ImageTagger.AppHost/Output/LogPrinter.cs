namespace ImageTagger.AppHost.Output;

/// <summary>Writes every resource's output as <c>[name] line</c>; the prefix is colored when stdout is a terminal.</summary>
internal static class LogPrinter
{
    private static readonly string[] s_palette = ["36", "35", "33", "32", "34", "96", "95", "93", "92", "94"];
    private static readonly Dictionary<string, string> s_colors = new(StringComparer.Ordinal);
    private static readonly Lock s_lock = new();

    public static bool UseColor { get; } =
        !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    public static void Write(string resource, string line, bool isError = false)
    {
        string text;
        if (UseColor)
        {
            // Resource prefix in its own color; stderr lines get a red prefix so failures stand out.
            text = $"\u001b[{(isError ? "31" : ColorOf(resource))}m[{resource}]\u001b[0m {line}";
        }
        else
        {
            text = $"[{resource}] {line}";
        }

        lock (s_lock)
        {
            Console.Out.WriteLine(text);
        }
    }

    private static string ColorOf(string resource)
    {
        // Replicas share their resource's color (processing-1, processing-2 ...).
        var key = resource.Split('-')[0];
        lock (s_lock)
        {
            if (!s_colors.TryGetValue(key, out var color))
            {
                color = s_palette[s_colors.Count % s_palette.Length];
                s_colors[key] = color;
            }

            return color;
        }
    }
}
