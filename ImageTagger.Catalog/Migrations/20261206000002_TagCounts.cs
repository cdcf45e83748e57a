using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ImageTagger.Catalog.Migrations;

/// <summary>
/// The gallery's count for one tag (issue 20): <c>tags.usage_count</c> (kept by the image_tags trigger) minus that
/// tag's missing images, which this partial index finds without visiting the tag's other images. A library has few
/// missing images, so the count costs a lookup instead of a join over every tagged image (287 ms at 1M for a 1 % tag).
/// </summary>
[DbContext(typeof(CatalogDbContext))]
[Migration("20261206000002_TagCounts")]
public sealed class TagCounts : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("CREATE INDEX ix_images_missing ON images (id) WHERE status = 'Missing';");

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("DROP INDEX IF EXISTS ix_images_missing;");
}
