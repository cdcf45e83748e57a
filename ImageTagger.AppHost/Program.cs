using System.CommandLine;
using ImageTagger.AppHost;

// SIGINT/SIGTERM are handled by the orchestrator itself (ordered, graceful shutdown), not by System.CommandLine's
// default, which would end the process after two seconds.
return await AppHostCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
