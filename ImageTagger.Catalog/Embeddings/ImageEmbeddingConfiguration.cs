using ImageTagger.Catalog.Images;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ImageTagger.Catalog.Embeddings;

internal sealed class ImageEmbeddingConfiguration : IEntityTypeConfiguration<ImageEmbedding>
{
    public void Configure(EntityTypeBuilder<ImageEmbedding> builder)
    {
        builder.ToTable("image_embeddings");
        builder.HasKey(e => new { e.ImageId, e.Model });
        builder.HasOne<Image>().WithMany().HasForeignKey(e => e.ImageId).OnDelete(DeleteBehavior.Cascade);
        // Untyped halfvec: the dimension is per row (see ImageEmbedding); the HNSW indexes are per dimension, over a cast.
        builder.Property(e => e.Embedding).HasColumnType("halfvec");
        builder.Property(e => e.CreatedAt).HasDefaultValueSql("now()");
    }
}
