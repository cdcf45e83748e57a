using ImageTagger.Web;
using ImageTagger.Web.Media;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseWebPipeline();
app.MapDefaultEndpoints();
app.MapMediaEndpoints();
app.MapRazorComponents<ImageTagger.Web.Components.App>().AddInteractiveServerRenderMode();

app.Run();
