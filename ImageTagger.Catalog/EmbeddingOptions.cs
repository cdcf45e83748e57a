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
    /// The most memory an HNSW index build may use (PostgreSQL's <c>maintenance_work_mem</c>, for that statement only;
    /// the graph takes about 2 KB per 768-d embedding, so a small library uses little of it). Once the graph outgrows
    /// it the build slows to a crawl: at a million embeddings, 1 GB ran out at 520,000 and the rest went on at 4,500 a
    /// minute (bench/RESULTS.md, issue 20).
    /// </summary>
    [Range(64, 65536)]
    public int IndexBuildMemoryMb { get; set; } = 3072;
}
