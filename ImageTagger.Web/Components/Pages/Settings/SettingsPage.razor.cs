using ImageTagger.Web.Api;
using Microsoft.AspNetCore.Components;
using ImageTagger.Web.Components.Shared;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.FluentUI.AspNetCore.Components;

namespace ImageTagger.Web.Components.Pages.Settings;

public sealed partial class SettingsPage
{
    private static readonly string[] WriteBackChoices = ["", .. Enum.GetNames<WriteBackMode>()];

    private SettingsForm? _form;
    private EditContext _context = new(new object());
    private ValidationMessageStore _messages = null!;
    private string? _testUrl;
    private AiStatus? _tested;
    private string? _testProblem;
    private bool _saving;
    private bool _testing;

    [Inject]
    private INotificationService Notifications { get; set; } = null!;

    /// <summary>The stored settings, carried from the prerender into the circuit (the Api is asked once per visit).</summary>
    [PersistentState]
    public IReadOnlyList<Setting>? Settings { get; set; }

    protected override async Task OnInitializedAsync()
    {
        Settings ??= await LoadAsync(Api.GetSettingsAsync);
        Show(Settings);
    }

    private void Show(IReadOnlyList<Setting>? settings)
    {
        if (settings is null)
        {
            return;
        }

        Settings = settings;
        _form = new SettingsForm(settings);
        _context = new EditContext(_form);
        _messages = new ValidationMessageStore(_context);
        _context.OnValidationRequested += (_, _) =>
        {
            _messages.Clear();
            foreach (var entry in _form.Entries)
            {
                if (SettingsForm.Check(entry) is { } problem)
                {
                    _messages.Add(Field(entry), problem);
                }
            }
        };
        _testUrl ??= _form.Find("Ollama:Url")?.Value;
    }

    private static FieldIdentifier Field(SettingEntry entry) => new(entry, nameof(SettingEntry.Value));

    private void Edit(SettingEntry entry, string? value)
    {
        entry.Value = value;
        var field = Field(entry);
        _messages.Clear(field);
        if (SettingsForm.Check(entry) is { } problem)
        {
            _messages.Add(field, problem);
        }

        _context.NotifyFieldChanged(field);
    }

    private async Task SaveAsync()
    {
        var changes = _form!.Changes();
        if (changes.Count == 0)
        {
            await Notifications.ShowOutcomeAsync(ToastIntent.Info, "Nothing changed", null);
            return;
        }

        _saving = true;
        Problem = null;
        try
        {
            if (await LoadAsync(ct => Api.UpdateSettingsAsync(changes, ct)) is not { } result)
            {
                return;
            }

            if (result.Errors.Count > 0)
            {
                // Each refusal is shown at its setting (the Api names the key); the edits stay for correcting.
                foreach (var error in result.Errors)
                {
                    if (_form.Find(error.Field) is { } entry)
                    {
                        _messages.Add(Field(entry), error.Message);
                    }
                }

                _context.NotifyValidationStateChanged();
                await Notifications.ShowOutcomeAsync(ToastIntent.Error, "Not saved", string.Join(" ", result.Errors.Select(e => e.Message)));
                return;
            }

            Show(result.Settings);
            await Notifications.ShowOutcomeAsync(ToastIntent.Success, "Settings saved", string.Join(", ", changes.Keys));
        }
        finally
        {
            _saving = false;
        }
    }

    private async Task TestConnectionAsync()
    {
        _testing = true;
        _testProblem = null;
        try
        {
            _tested = await Api.TestOllamaConnectionAsync(_testUrl, Aborted);
        }
        catch (Exception ex) when (ex is ApiUnavailableException or ApiRequestException)
        {
            _tested = null;
            _testProblem = ex.Message;
        }
        finally
        {
            _testing = false;
        }
    }

    private static string GroupLabel(string prefix) => prefix switch
    {
        "Ollama" => "AI (Ollama)",
        "Imaging" => "Thumbnails",
        _ => prefix,
    };
}
