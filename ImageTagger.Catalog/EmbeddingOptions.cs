using System.ComponentModel.DataAnnotations;

namespace ImageTagger.Catalog;

/// <summary>
/// The one place the embedding dimension lives. Embeddings are stored per model, so changing the
/// model (or its dimension) only re-runs the embed stage.
/// </summary>
public sealed class EmbeddingOptions
{
    public const string SectionName = "Embedding";

    /// <summary>The embedding model's size; at most what pgvector's half-precision HNSW index takes (4,000).</summary>
    [Range(2, Embeddings.EmbeddingIndex.MaxDimensions)]
    public int Dimensions { get; set; } = 768;

    /// <summary>HNSW candidate list size per query; higher means better recall, slower search.</summary>
    [Range(10, 1000)]
    public int EfSearch { get; set; } = 100;

    /// <summary>
    /// Memory for building an HNSW index (PostgreSQL's <c>maintenance_work_mem</c>, for that statement only). A graph
    /// that does not fit is built much more slowly; a million 768-d embeddings need about 800 MB.
    /// </summary>
    [Range(64, 65536)]
    public int IndexBuildMemoryMb { get; set; } = 1024;
}
