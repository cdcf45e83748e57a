using ImageTagger.Catalog.Jobs;
using Microsoft.EntityFrameworkCore;

namespace ImageTagger.Api.Tests;

public sealed class FolderMutationTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string AddFolder = """
        mutation($path: String!, $mode: WriteBackMode) {
          addFolder(input: { path: $path, recursive: true, writeBackMode: $mode }) {
            folder { id databaseId path recursive active writeBackMode }
            errors { code message field }
          }
        }
        """;

    private async Task<string?> ErrorCodeAsync(string path)
    {
        var data = await api.DataAsync(AddFolder, new { path }, TestContext.Current.CancellationToken);
        var payload = data.GetProperty("addFolder");
        return payload.GetProperty("errors").GetArrayLength() == 0 ? null : payload.GetProperty("errors")[0].GetProperty("code").GetString();
    }

    [Fact]
    public async Task A_folder_under_an_allowed_root_is_added_once_and_scanned()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = Path.Combine(api.Root.Path, "holiday 2024 ünï");
        Directory.CreateDirectory(path);

        var data = await api.DataAsync(AddFolder, new { path, mode = "EMBEDDED" }, ct);
        var folder = data.GetProperty("addFolder").GetProperty("folder");
        Assert.Equal(path, folder.GetProperty("path").GetString());
        Assert.Equal("EMBEDDED", folder.GetProperty("writeBackMode").GetString());
        var id = folder.GetProperty("databaseId").GetInt32();

        await using var db = api.CreateDbContext();
        Assert.True(await db.Jobs.AnyAsync(j => j.FolderId == id && j.Kind == JobKinds.ScanFolder && j.State == JobState.Queued, ct));
        Assert.Equal("ALREADY_ADDED", await ErrorCodeAsync(path));

        var listed = await api.DataAsync("{ folders { databaseId path } }", ct: ct);
        Assert.Contains(listed.GetProperty("folders").EnumerateArray(), f => f.GetProperty("databaseId").GetInt32() == id);

        var node = await api.DataAsync("query($id: ID!) { node(id: $id) { ... on Folder { path } } }", new { id = folder.GetProperty("id").GetString() }, ct);
        Assert.Equal(path, node.GetProperty("node").GetProperty("path").GetString());
    }

    [Fact]
    public async Task Paths_outside_the_roots_traversal_and_symlinks_out_are_refused_with_typed_errors()
    {
        var outside = Directory.CreateTempSubdirectory("it-outside-").FullName;
        try
        {
            var link = Path.Combine(api.Root.Path, "link-out");
            Directory.CreateSymbolicLink(link, outside);

            Assert.Equal("OUTSIDE_ALLOWED_ROOTS", await ErrorCodeAsync(outside));
            Assert.Equal("OUTSIDE_ALLOWED_ROOTS", await ErrorCodeAsync(Path.Combine(api.Root.Path, "..", Path.GetFileName(outside))));
            Assert.Equal("OUTSIDE_ALLOWED_ROOTS", await ErrorCodeAsync(link));
            Assert.Equal("NOT_FOUND", await ErrorCodeAsync(Path.Combine(api.Root.Path, "does-not-exist")));
            Assert.Equal("INVALID_PATH", await ErrorCodeAsync("relative/path"));
            var file = Path.Combine(api.Root.Path, "file.txt");
            await File.WriteAllTextAsync(file, "x", TestContext.Current.CancellationToken);
            Assert.Equal("NOT_A_DIRECTORY", await ErrorCodeAsync(file));
        }
        finally
        {
            Directory.Delete(outside, true);
        }
    }

    [Fact]
    public async Task Folders_can_be_deactivated_rescanned_and_removed()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = Path.Combine(api.Root.Path, "to-remove");
        Directory.CreateDirectory(path);
        var added = await api.DataAsync(AddFolder, new { path }, ct);
        var id = added.GetProperty("addFolder").GetProperty("folder").GetProperty("id").GetString();

        var updated = await api.DataAsync("mutation($id: ID!) { updateFolder(input: { id: $id, active: false, writeBackMode: SIDECAR }) { folder { active writeBackMode } errors { code } } }", new { id }, ct);
        Assert.False(updated.GetProperty("updateFolder").GetProperty("folder").GetProperty("active").GetBoolean());
        Assert.Equal("SIDECAR", updated.GetProperty("updateFolder").GetProperty("folder").GetProperty("writeBackMode").GetString());

        var scanned = await api.DataAsync("mutation($id: ID!) { scanFolder(id: $id) { count } }", new { id }, ct);
        Assert.Equal(1, scanned.GetProperty("scanFolder").GetProperty("count").GetInt32());

        var removed = await api.DataAsync("mutation($id: ID!) { removeFolder(id: $id) { folder { path } errors { code } } }", new { id }, ct);
        Assert.Equal(path, removed.GetProperty("removeFolder").GetProperty("folder").GetProperty("path").GetString());
        var again = await api.DataAsync("mutation($id: ID!) { removeFolder(id: $id) { folder { path } errors { code } } }", new { id }, ct);
        Assert.Equal("FOLDER_NOT_FOUND", again.GetProperty("removeFolder").GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.True(Directory.Exists(path)); // the files are never touched
    }
}
