using System.Globalization;
using ImageTagger.Web.Api;
using Microsoft.AspNetCore.Components;
using Microsoft.FluentUI.AspNetCore.Components;
using Microsoft.JSInterop;

namespace ImageTagger.Web.Components.Pages.Images;

/// <summary>
/// One image: preview, description (editable), tags (with their source), metadata, similar images, reprocessing, and
/// ← / → through the list it was opened from (<see cref="ResultList"/>). Following those links keeps this component
/// and loads the next image into it.
/// </summary>
public sealed partial class ImageDetailPage : IAsyncDisposable
{
    private ResultList _list = ResultList.FromUrl("");
    private IJSObjectReference? _keys;
    private ProcessingStage _stage = ProcessingStage.Analyze;
    private bool _reprocessing;
    private string? _reprocessed;
    private bool _editing;
    private bool _saving;
    private string? _draft;
    private string? _descriptionStatus;
    private bool _descriptionFailed;
    private bool _tagging;
    private string? _tagProblem;

    [Parameter]
    public int Id { get; set; }

    [Inject]
    private NavigationManager Navigation { get; set; } = null!;

    [Inject]
    private IJSRuntime JS { get; set; } = null!;

    [Inject]
    private INotificationService Notifications { get; set; } = null!;

    /// <summary>The image and its neighbours in the list, carried from the prerender into the circuit (one load per visit).</summary>
    [PersistentState]
    public ImageDetailData? Data { get; set; }

    private ImageDetail? Image => Data?.Image;

    protected override async Task OnParametersSetAsync()
    {
        _list = ResultList.FromUrl(Navigation.Uri);
        // A prerender that could not reach the Api carries no data: ask again, so the error banner stays true.
        if (Data?.Id == Id && Data.Image is not null)
        {
            return;
        }

        // Another image of the list (← / →): start clean.
        (_editing, _descriptionStatus, _reprocessed, _tagProblem) = (false, null, null, null);
        Problem = null;
        var image = LoadAsync(ct => Api.GetImageAsync(Id, ct));
        var neighbours = LoadAsync(ct => _list.FindNeighboursAsync(Api, Id, ct));
        Data = new ImageDetailData(Id, await image, await neighbours ?? Neighbours.None);
        if (Data.Image is null && Problem is null && HttpContext is not null)
        {
            HttpContext.Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            // ← and → follow the previous/next links (ignored while typing in a field).
            _keys = await JS.InvokeAsync<IJSObjectReference>("import", "./Components/Pages/Images/ImageDetailPage.razor.js");
            await _keys.InvokeVoidAsync("listenForArrows");
        }
    }

    private void StartEditing()
    {
        _draft = Image?.Description ?? "";
        _descriptionStatus = null;
        _editing = true;
    }

    private async Task SaveDescriptionAsync()
    {
        if (Image is not { } image)
        {
            return;
        }

        _saving = true;
        try
        {
            var text = _draft ?? "";
            var result = await LoadAsync(ct => Api.SetDescriptionAsync(image.DatabaseId, text, ct));
            if (result is null)
            {
                (_descriptionStatus, _descriptionFailed) = ("The description was not saved.", true);
                return;
            }

            if (result.Errors.Count > 0)
            {
                (_descriptionStatus, _descriptionFailed) = (string.Join(" ", result.Errors.Select(e => e.Message)), true);
                return;
            }

            Data = Data! with { Image = image with { Description = result.Image?.Description ?? text } };
            (_descriptionStatus, _descriptionFailed, _editing) = ("Description saved.", false, false);
            await Notifications.ShowToastAsync(o =>
            {
                o.Intent = ToastIntent.Success;
                o.Title = "Description saved";
            });
        }
        finally
        {
            _saving = false;
        }
    }

    private Task AddTagsAsync(IReadOnlyList<string> names) =>
        ChangeTagsAsync(ct => Api.AddTagsAsync([Id], names, ct));

    private Task RemoveTagAsync(string name) =>
        ChangeTagsAsync(ct => Api.RemoveTagsAsync([Id], [name], ct));

    /// <summary>Runs a tag change, then reloads the image so the tags show as the Api stored them (normalised, with source).</summary>
    private async Task ChangeTagsAsync(Func<CancellationToken, Task<CountPayload>> change)
    {
        _tagging = true;
        _tagProblem = null;
        try
        {
            var result = await LoadAsync(change);
            if (result is { Errors.Count: > 0 })
            {
                _tagProblem = string.Join(" ", result.Errors.Select(e => e.Message));
            }

            if (await LoadAsync(ct => Api.GetImageAsync(Id, ct)) is { } fresh)
            {
                Data = Data! with { Image = fresh };
            }
        }
        finally
        {
            _tagging = false;
        }
    }

    private Task AcceptSuggestionAsync(TagSuggestion suggestion) =>
        ChangeTagsAsync(async ct => ToCount(await Api.AcceptTagSuggestionAsync(Id, suggestion.TagId, ct)));

    private Task DismissSuggestionAsync(TagSuggestion suggestion) =>
        ChangeTagsAsync(async ct => ToCount(await Api.DismissTagSuggestionAsync(Id, suggestion.TagId, ct)));

    private static CountPayload ToCount(TagSuggestionPayload payload) => new(payload.Errors.Count == 0 ? 1 : 0, payload.Errors);

    private async Task<IReadOnlyList<string>> SuggestTagsAsync(string typed, CancellationToken cancellationToken)
    {
        try
        {
            var tags = await Api.GetTagsAsync(typed, 10, null, cancellationToken);
            return tags.Nodes.Select(t => t.Name).ToList();
        }
        catch (Exception ex) when (ex is ApiUnavailableException or ApiRequestException)
        {
            return []; // suggestions are a convenience; typing a new tag still works
        }
    }

    private async Task ReprocessAsync()
    {
        _reprocessing = true;
        try
        {
            var stage = _stage;
            if (await LoadAsync(ct => Api.ReprocessAsync([Id], stage, ct)) is { } result)
            {
                _reprocessed = result.Errors.Count > 0 ? string.Join(" ", result.Errors.Select(e => e.Message))
                    : result.Count > 0 ? $"Queued again from {stage}." : "Nothing was queued.";
                await Notifications.ShowToastAsync(o =>
                {
                    o.Intent = result.Count > 0 ? ToastIntent.Success : ToastIntent.Warning;
                    o.Title = _reprocessed;
                });
            }
        }
        finally
        {
            _reprocessing = false;
        }
    }

    private static string MapUrl(GeoPoint p) => string.Create(CultureInfo.InvariantCulture, $"https://www.openstreetmap.org/?mlat={p.Latitude}&mlon={p.Longitude}#map=15/{p.Latitude}/{p.Longitude}");

    internal static string FormatBytes(double bytes) => bytes switch
    {
        < 1024 => $"{bytes:0} B",
        < 1024 * 1024 => $"{bytes / 1024:0} KB",
        _ => $"{bytes / 1024 / 1024:0.0} MB",
    };

    public async ValueTask DisposeAsync()
    {
        if (_keys is not null)
        {
            try
            {
                await _keys.InvokeVoidAsync("stopListening");
                await _keys.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone, and the listener with its page.
            }
        }
    }
}

/// <summary>An image (null when there is none with <see cref="Id"/>) and its neighbours in the list it was opened from.</summary>
public sealed record ImageDetailData(int Id, ImageDetail? Image, Neighbours Neighbours);
