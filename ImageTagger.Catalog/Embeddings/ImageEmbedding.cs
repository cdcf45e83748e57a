using Pgvector;

namespace ImageTagger.Catalog.Embeddings;

/// <summary>
/// One image's embedding under one model, stored at half precision (issue 20: half the size of full precision, kept
/// inline in the row instead of out of line, and as the HNSW indexes hold it). The column has no fixed dimension (a
/// new model may have another); <see cref="Dimensions"/> says which per-dimension HNSW index
/// (<see cref="EmbeddingIndex"/>) covers the row.
/// </summary>
public sealed class ImageEmbedding
{
    public long ImageId { get; set; }
    public required string Model { get; set; }
    public int Dimensions { get; set; }
    public required HalfVector Embedding { get; set; }
    public required string ContentHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
