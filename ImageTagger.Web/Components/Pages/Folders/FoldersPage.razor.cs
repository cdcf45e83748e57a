using ImageTagger.Web.Api;
using ImageTagger.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.FluentUI.AspNetCore.Components;

namespace ImageTagger.Web.Components.Pages.Folders;

public sealed partial class FoldersPage
{
    private static readonly WriteBackMode[] Modes = Enum.GetValues<WriteBackMode>();

    private readonly AddFolderForm _add = new();
    private EditContext _addContext = null!;
    private ApiValidation _addErrors = null!;
    private string? _addError;
    private bool _adding;
    private FeedRefresh? _live;

    [Inject]
    private ProgressFeed Feed { get; set; } = null!;

    [Inject]
    private INotificationService Notifications { get; set; } = null!;

    [Inject]
    private IDialogService Dialogs { get; set; } = null!;

    /// <summary>The folders and allowed roots, carried from the prerender into the circuit (the Api is asked once per visit).</summary>
    [PersistentState]
    public FoldersState? State { get; set; }

    private string RootsHelp => State?.Roots is { Count: > 0 } roots
        ? "Must be inside " + string.Join(" or ", roots) + "."
        : "Must be inside one of the roots the Api allows.";

    protected override async Task OnInitializedAsync()
    {
        _addContext = new EditContext(_add);
        _addErrors = new ApiValidation(_addContext);
        _addContext.OnFieldChanged += (_, _) => _addError = null;
        // Asked again in the circuit only if the prerender could not reach the Api (so its banner stays true).
        if (State?.Folders is null)
        {
            var folders = LoadAsync(Api.GetFoldersAsync);
            var roots = LoadAsync(Api.GetAllowedRootsAsync);
            State = new FoldersState(await folders, await roots);
        }
    }

    protected override void OnAfterRender(bool firstRender)
    {
        // Only the live circuit follows progress (the prerender has no use for it).
        if (firstRender && HttpContext is null)
        {
            _live = new FeedRefresh(Feed, TimeSpan.FromMilliseconds(750), () => InvokeAsync(RefreshAsync));
        }
    }

    private async Task RefreshAsync()
    {
        if (await LoadAsync(Api.GetFoldersAsync) is { } folders)
        {
            State = (State ?? new FoldersState(null, null)) with { Folders = folders };
            StateHasChanged();
        }
    }

    private async Task AddAsync()
    {
        _adding = true;
        _addError = null;
        try
        {
            var path = _add.Path!.Trim();
            var result = await CallAsync(ct => Api.AddFolderAsync(path, _add.Recursive, _add.WriteBackMode, ct));
            if (result is null)
            {
                return;
            }

            if (result.Errors.Count > 0)
            {
                // Shown at the path field (the Api names it); anything else beside the form.
                _addError = _addErrors.Show(result.Errors, ApiValidation.ByPropertyName(_add));
                return;
            }

            _add.Path = null;
            await Notifications.ShowOutcomeAsync(ToastIntent.Success, $"Added {result.Folder?.Path}", "Scanning starts shortly.");
            await RefreshAsync();
        }
        finally
        {
            _adding = false;
        }
    }

    private async Task UpdateAsync(Folder folder, bool? active = null, bool? recursive = null, WriteBackMode? mode = null)
    {
        var result = await CallAsync(ct => Api.UpdateFolderAsync(folder.Id, active, recursive, mode, ct));
        if (result is null)
        {
            return;
        }

        await Notifications.ShowOutcomeAsync(result.Errors, "Saved", folder.Path);
        await RefreshAsync();
    }

    private async Task ScanAsync(Folder folder)
    {
        if (await CallAsync(ct => Api.ScanFolderAsync(folder.Id, ct)) is { } result)
        {
            await Notifications.ShowOutcomeAsync(result.Errors, "Scan queued", folder.Path);
        }
    }

    private async Task ScanAllAsync()
    {
        if (await CallAsync(ct => Api.ScanFolderAsync(null, ct)) is { } result)
        {
            await Notifications.ShowOutcomeAsync(result.Errors, "Scan queued", $"{result.Count} folder(s).");
        }
    }

    private async Task RemoveAsync(Folder folder)
    {
        var answer = await Dialogs.ShowConfirmationAsync(
            $"Stop watching {folder.Path}? Its {folder.ImageCount} image(s) leave the library with their tags and descriptions; the files on disk are not touched.",
            "Remove folder", "Remove", "Cancel");
        if (answer.Cancelled)
        {
            return;
        }

        if (await CallAsync(ct => Api.RemoveFolderAsync(folder.Id, ct)) is { } result)
        {
            await Notifications.ShowOutcomeAsync(result.Errors, "Folder removed", folder.Path);
            await RefreshAsync();
        }
    }

    /// <summary>An action's Api call: an unreachable Api is shown in the page's banner (and the action did nothing).</summary>
    private async Task<T?> CallAsync<T>(Func<CancellationToken, Task<T>> call)
        where T : class
    {
        Problem = null;
        return await LoadAsync(call);
    }

    private static string ModeText(WriteBackMode mode) => mode switch
    {
        WriteBackMode.Embedded => "Embedded (EXIF/XMP in the file)",
        WriteBackMode.Sidecar => "Sidecar (.xmp next to the file)",
        _ => "None",
    };

    protected override void Dispose(bool disposing)
    {
        _live?.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>The folders page's data: the watched folders and the roots new ones must be under.</summary>
public sealed record FoldersState(IReadOnlyList<Folder>? Folders, IReadOnlyList<string>? Roots);
