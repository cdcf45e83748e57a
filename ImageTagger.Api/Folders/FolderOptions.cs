namespace ImageTagger.Api.Folders;

public sealed class FolderOptions
{
    public const string SectionName = "Folders";

    /// <summary>Folders can only be added under these roots (after resolving symlinks). Empty: nothing can be added.</summary>
    public List<string> AllowedRoots { get; set; } = [];
}
