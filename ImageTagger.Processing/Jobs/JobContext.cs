using ImageTagger.Catalog;
using ImageTagger.Catalog.Jobs;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ImageTagger.Processing.Jobs;

/// <summary>What a handler sees of its job, and the one way to finish it: results and completion in one transaction.</summary>
public sealed class JobContext(ClaimedJob job, JobQueue queue, NpgsqlDataSource dataSource)
{
    public ClaimedJob Job { get; } = job;

    public bool Completed { get; private set; }

    public long ImageId => Job.ImageId ?? Job.Payload.RootElement.GetProperty("imageId").GetInt64();

    /// <summary>
    /// Runs <paramref name="work"/> and marks the job done in the same transaction. If the lease was lost
    /// meanwhile (this worker was presumed dead), everything rolls back: the job's effects happen once.
    /// </summary>
    public async Task CompleteAsync(Func<CatalogDbContext, NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task>? work, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var db = CatalogDbContext.ForConnection(connection);
        await db.Database.UseTransactionAsync(transaction, cancellationToken);
        if (work is not null)
        {
            await work(db, connection, transaction, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }

        if (!await queue.CompleteAsync(connection, transaction, Job.Id, Job.Owner, cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            throw new LeaseLostException(Job.Id);
        }

        await transaction.CommitAsync(cancellationToken);
        Completed = true;
    }

    /// <summary>Enqueues follow-up work inside the completing transaction.</summary>
    public Task<long?> EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, NewJob next, CancellationToken cancellationToken) =>
        queue.EnqueueAsync(connection, transaction, next, cancellationToken);
}
