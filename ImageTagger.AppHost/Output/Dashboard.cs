using Spectre.Console;

namespace ImageTagger.AppHost.Output;

/// <summary>The resource table printed once everything is up (Spectre.Console).</summary>
internal static class Dashboard
{
    public static void Print(IReadOnlyList<ResourceSnapshot> resources)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]ImageTagger[/]");
        table.AddColumn("Resource");
        table.AddColumn("State");
        table.AddColumn(new TableColumn("PID").RightAligned());
        table.AddColumn("URL");
        foreach (var resource in resources)
        {
            var color = resource.State switch
            {
                "Running" or "Completed" => "green",
                "Skipped" or "Unavailable" or "Degraded" => "yellow",
                _ => "red",
            };
            table.AddRow(
                Markup.Escape(resource.Name),
                $"[{color}]{Markup.Escape(resource.State)}[/]",
                resource.Pid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
                Markup.Escape(resource.Url ?? ""));
        }

        s_console.Write(table);
    }

    private static IAnsiConsole s_console = AnsiConsole.Console;

    public static void Configure()
    {
        if (!LogPrinter.UseColor)
        {
            // Redirected output (logs, tests): no escape codes, and no wrapping of URLs at Spectre's default 80 columns.
            s_console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Out = new AnsiConsoleOutput(Console.Out),
            });
            s_console.Profile.Width = 200;
        }
    }
}
