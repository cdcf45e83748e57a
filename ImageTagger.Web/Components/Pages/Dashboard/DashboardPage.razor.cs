using ImageTagger.Web.Api;
using Microsoft.AspNetCore.Components;

namespace ImageTagger.Web.Components.Pages.Dashboard;

public sealed partial class DashboardPage
{
    private bool _testing;

    /// <summary>What the page loaded, carried from the prerender into the circuit so the Api is asked once per visit.</summary>
    [PersistentState]
    public DashboardState? State { get; set; }

    protected override async Task OnInitializedAsync()
    {
        // A prerender that could not reach the Api carries no data: ask again, so the error banner stays true.
        if (State is { Dashboard: not null })
        {
            return;
        }

        var dashboard = LoadAsync(Api.GetDashboardAsync);
        var ai = LoadAsync(Api.GetAiStatusAsync);
        var offline = LoadAsync(Api.GetOfflineAiAsync);
        State = new DashboardState(await dashboard, await ai, await offline);
    }

    private async Task TestConnectionAsync()
    {
        _testing = true;
        try
        {
            if (await LoadAsync(ct => Api.TestOllamaConnectionAsync(null, ct)) is { } ai && State is not null)
            {
                State = State with { Ai = ai };
            }
        }
        finally
        {
            _testing = false;
        }
    }
}

/// <summary>The dashboard's data: library counts and recent images, the AI server's state and what the offline models can do.</summary>
public sealed record DashboardState(ImageTagger.Web.Api.Dashboard? Dashboard, AiStatus? Ai, OfflineAiStatus? Offline);
