using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace ImageTagger.AppHost.Output;

/// <summary>The AppHost's own log lines look like the children's: <c>[apphost] message</c>, level shown when not info.</summary>
internal sealed class AppHostConsoleFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "apphost";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        var level = logEntry.LogLevel switch
        {
            LogLevel.Warning => "warn: ",
            LogLevel.Error => "fail: ",
            LogLevel.Critical => "crit: ",
            LogLevel.Debug or LogLevel.Trace => "dbug: ",
            _ => "",
        };
        var color = logEntry.LogLevel switch
        {
            >= LogLevel.Error => "31",
            LogLevel.Warning => "33",
            _ => "1",
        };
        textWriter.Write(LogPrinter.UseColor ? $"\u001b[{color}m[apphost]\u001b[0m " : "[apphost] ");
        textWriter.Write(level);
        textWriter.WriteLine(message);
        if (logEntry.Exception is not null)
        {
            textWriter.WriteLine(logEntry.Exception.ToString());
        }
    }
}
