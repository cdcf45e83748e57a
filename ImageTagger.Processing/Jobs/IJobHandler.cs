using ImageTagger.Catalog.Jobs;

namespace ImageTagger.Processing.Jobs;

/// <summary>Runs one kind of job. Handlers are idempotent: a job may run again after a crash.</summary>
public interface IJobHandler
{
    string Kind { get; }

    /// <summary>Does the work. Finish with <see cref="JobContext.CompleteAsync"/> to commit results with the completion.</summary>
    Task HandleAsync(JobContext context, CancellationToken cancellationToken);

    /// <summary>Called once a job has failed for good (parked), to leave a visible reason on what it was for.</summary>
    Task OnParkedAsync(ClaimedJob job, string error, CancellationToken cancellationToken);
}

/// <summary>A failure that retrying will not fix (a corrupt file, a missing image): the job is parked at once.</summary>
public sealed class PermanentJobException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The worker no longer holds the job's lease; another worker has it, so this one stops quietly.</summary>
public sealed class LeaseLostException(long jobId) : Exception($"lease on job {jobId} was lost");
