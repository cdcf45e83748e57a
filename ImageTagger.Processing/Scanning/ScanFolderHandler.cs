using ImageTagger.Catalog.Jobs;
using ImageTagger.Processing.Jobs;
using Npgsql;

namespace ImageTagger.Processing.Scanning;

internal sealed class ScanFolderHandler(FolderScanner scanner, NpgsqlDataSource dataSource) : IJobHandler
{
    public string Kind => JobKinds.ScanFolder;

    public async Task HandleAsync(JobContext context, CancellationToken cancellationToken)
    {
        var folderId = context.Job.FolderId ?? context.Job.Payload.RootElement.GetProperty("folderId").GetInt64();
        await scanner.ScanAsync(folderId, cancellationToken);
    }

    public async Task OnParkedAsync(ClaimedJob job, string error, CancellationToken cancellationToken)
    {
        if (job.FolderId is { } folderId)
        {
            await using var command = dataSource.CreateCommand("UPDATE folders SET last_scan_error = @error, updated_at = now() WHERE id = @id");
            command.Parameters.AddWithValue("error", error);
            command.Parameters.AddWithValue("id", folderId);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
