using ImageTagger.Ai.Offline;
using ImageTagger.Api.Images;
using ImageTagger.Catalog;
using ImageTagger.Catalog.Images;
using ImageTagger.Catalog.Similarity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ImageTagger.Api.Offline;

/// <summary>One thing the offline models can or cannot do, said plainly for the UI.</summary>
public sealed record OfflineCapability(string Feature, bool Available, string? Model, string Note);

/// <summary>The offline AI's switches, whether its files are in place, and what it can and cannot do.</summary>
public sealed record OfflineAiStatus(bool OcrEnabled, bool FeaturesEnabled, bool TextEmbeddingsEnabled, bool ModelsPresent, string? Error, IReadOnlyList<OfflineCapability> Capabilities);

/// <summary>
/// The API side of the offline AI (issue 21): visual neighbours, near-duplicates and exact duplicates of an image,
/// tag suggestions with accept/dismiss, and an honest statement of what works with no AI server.
/// </summary>
public sealed class OfflineAiService(
    VisualSimilarity similarity,
    CatalogDbContext db,
    NpgsqlDataSource dataSource,
    ImageService images,
    OfflineModels models,
    IOptionsMonitor<OfflineAiOptions> options)
{
    public Task<IReadOnlyList<SimilarImage>> VisuallySimilarAsync(long imageId, int first, CancellationToken cancellationToken) =>
        similarity.SimilarAsync(imageId, first, 0, cancellationToken);

    public Task<IReadOnlyList<SimilarImage>> NearDuplicatesAsync(long imageId, int first, CancellationToken cancellationToken) =>
        similarity.SimilarAsync(imageId, first, options.CurrentValue.NearDuplicateSimilarity, cancellationToken);

    /// <summary>Other files with exactly the same bytes as this image (recorded as its duplicates by analysis).</summary>
    public Task<List<Image>> ExactDuplicatesAsync(long imageId, CancellationToken cancellationToken) =>
        db.Images.AsNoTracking().Where(i => i.DuplicateOfId == imageId && i.Status == ImageStatus.Duplicate).OrderBy(i => i.Id).Take(100).ToListAsync(cancellationToken);

    public Task<IReadOnlyList<TagSuggestion>> SuggestionsAsync(long imageId, int first, CancellationToken cancellationToken)
    {
        var o = options.CurrentValue;
        return o.Features ? similarity.SuggestTagsAsync(imageId, o.SuggestionNeighbours, o.SuggestionMinSimilarity, first, cancellationToken) : Task.FromResult<IReadOnlyList<TagSuggestion>>([]);
    }

    /// <summary>Puts the suggested tag on the image (source SUGGESTION) and queues its follow-ups; null when the image is gone.</summary>
    public async Task<Image?> AcceptAsync(long imageId, long tagId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await VisualSimilarity.AcceptAsync(connection, transaction, imageId, tagId, cancellationToken);
        await images.QueueFollowUpsAsync(connection, transaction, [imageId], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return await images.GetAsync(imageId, cancellationToken);
    }

    /// <summary>Stops offering the tag for the image; null when the image is gone.</summary>
    public async Task<Image?> DismissAsync(long imageId, long tagId, CancellationToken cancellationToken)
    {
        await similarity.DismissAsync(imageId, tagId, cancellationToken);
        return await images.GetAsync(imageId, cancellationToken);
    }

    public OfflineAiStatus Status()
    {
        var o = options.CurrentValue;
        string? error = null;
        try
        {
            models.Verify();
        }
        catch (OfflineModelsMissingException ex)
        {
            error = ex.Message;
        }

        var present = error is null;
        return new OfflineAiStatus(o.Ocr, o.Features, o.TextEmbeddings, present, error,
        [
            new("Read text in photos (signs, posters, documents, screenshots); searchable by keyword", o.Ocr && present, "PaddleOCR PP-OCRv4",
                "Latin and Chinese script; strongly tilted or handwritten text reads poorly."),
            new("Search by meaning over each image's text (OCR, file and folder names, keywords, tags, descriptions)", o.TextEmbeddings, "all-MiniLM-L6-v2",
                "Matches what an image's text says, not what the picture shows; English works best."),
            new("Similar images and near-duplicates (resized or re-encoded copies)", o.Features && present, "ResNet18",
                "Visual likeness only: no labels."),
            new("Tag suggestions from your visually similar tagged images", o.Features && present, "ResNet18",
                "Offered for images the vision model has not tagged; needs some images you tagged."),
            new("Describe or caption photos, and tag them from their content", false, null,
                "Needs an Ollama vision model: no captioning model ships offline."),
            new("Find photos by what they show from a free-text query (\"a dog on a beach\")", false, null,
                "Needs an Ollama embedding of descriptions: no image-text (CLIP-like) model ships offline; offline search covers the image's text."),
        ]);
    }
}
