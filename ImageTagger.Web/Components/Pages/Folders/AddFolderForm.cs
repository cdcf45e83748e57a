using System.ComponentModel.DataAnnotations;
using ImageTagger.Web.Api;

namespace ImageTagger.Web.Components.Pages.Folders;

/// <summary>The "add a folder" form: what the user typed, checked here for shape; the Api checks it against the allowed roots.</summary>
public sealed class AddFolderForm
{
    [Required(ErrorMessage = "Enter the folder's path on the server.")]
    [RegularExpression(@"^\s*/.*", ErrorMessage = "Use an absolute path (starting with /).")]
    [StringLength(4096)]
    public string? Path { get; set; }

    public bool Recursive { get; set; } = true;

    public WriteBackMode WriteBackMode { get; set; } = WriteBackMode.None;
}
