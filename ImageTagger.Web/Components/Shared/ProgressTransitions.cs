using ImageTagger.Web.Api;

namespace ImageTagger.Web.Components.Shared;

/// <summary>A change in processing worth a toast.</summary>
public sealed record ProgressNotice(string Title, string Message, bool Failure);

/// <summary>
/// Turns a stream of progress snapshots into the moments a user wants to hear about: a batch of work finished
/// (busy → idle) and new failures. The first snapshot only sets the baseline, so opening a page announces nothing.
/// </summary>
public sealed class ProgressTransitions(ProcessingStatus? baseline)
{
    private ProcessingStatus? _last = baseline;

    public IReadOnlyList<ProgressNotice> Next(ProcessingStatus status)
    {
        var previous = _last;
        _last = status;
        if (previous is null)
        {
            return [];
        }

        var notices = new List<ProgressNotice>(2);
        if (status.Failed > previous.Failed)
        {
            var count = status.Failed - previous.Failed;
            notices.Add(new ProgressNotice(
                count == 1 ? "An image failed" : $"{count} images failed",
                "See the dashboard or the image's page for the reason; it can be reprocessed from there.",
                Failure: true));
        }

        if (previous.Busy && !status.Busy)
        {
            notices.Add(new ProgressNotice("Processing finished", $"{status.Done} of {status.Total} jobs done.", Failure: false));
        }

        return notices;
    }
}
