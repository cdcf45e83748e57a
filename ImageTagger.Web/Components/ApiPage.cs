using ImageTagger.Web.Api;
using Microsoft.AspNetCore.Components;

namespace ImageTagger.Web.Components;

/// <summary>
/// A page that loads from the Api: failures of the Api become a message for the error banner, never a crash.
/// </summary>
public abstract class ApiPage : ComponentBase
{
    [Inject]
    protected ImageTaggerApiClient Api { get; set; } = null!;

    [CascadingParameter]
    protected HttpContext? HttpContext { get; set; }

    /// <summary>What went wrong talking to the Api, for <see cref="Shared.ErrorBanner"/>.</summary>
    protected string? Problem { get; private set; }

    protected CancellationToken Aborted => HttpContext?.RequestAborted ?? CancellationToken.None;

    protected async Task<T?> LoadAsync<T>(Func<CancellationToken, Task<T>> load)
    {
        try
        {
            return await load(Aborted);
        }
        catch (ApiUnavailableException ex)
        {
            Problem ??= ex.Message;
        }
        catch (ApiRequestException ex)
        {
            Problem ??= "The Api refused the request: " + ex.Message;
        }

        return default;
    }
}
