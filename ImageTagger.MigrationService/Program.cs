using ImageTagger.Catalog;
using ImageTagger.MigrationService;

var builder = Host.CreateApplicationBuilder(args);
builder.ConfigureOpenTelemetry();
builder.AddCatalog();
builder.Services.AddSingleton<DatabaseMigrator>();

using var host = builder.Build();
await host.StartAsync();
var exitCode = await host.Services.GetRequiredService<DatabaseMigrator>().RunAsync(CancellationToken.None);
await host.StopAsync();
return exitCode;
