using ImageTagger.Web.Api;
using Microsoft.AspNetCore.Components;

namespace ImageTagger.Web.Components;

/// <summary>
/// A page that loads from the Api: failures of the Api become a message for the error banner, never a crash.
/// Loads are cancelled when the request ends (static render) or the page goes away (interactive circuit).
/// </summary>
public abstract class ApiPage : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _disposed = new();

    [Inject]
    protected ImageTaggerApiClient Api { get; set; } = null!;

    [CascadingParameter]
    protected HttpContext? HttpContext { get; set; }

    /// <summary>What went wrong talking to the Api, for <see cref="Shared.ErrorBanner"/>.</summary>
    protected string? Problem { get; set; }

    protected CancellationToken Aborted => HttpContext?.RequestAborted ?? _disposed.Token;

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
        catch (OperationCanceledException) when (Aborted.IsCancellationRequested)
        {
            // The page went away.
        }

        return default;
    }

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
