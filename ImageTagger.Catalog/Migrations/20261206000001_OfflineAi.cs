using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ImageTagger.Catalog.Migrations;

/// <summary>
/// Offline AI (issue 21): text read from each image (OCR) with its confidence, part of the keyword search document
/// (weight C, like the path: read text is often incidental); and the tag suggestions a user dismissed, so they are
/// not offered again. Offline vectors (MiniLM text, ResNet18 features) are rows of image_embeddings under their own
/// model names; their HNSW indexes are per dimension (EmbeddingIndex), made by the migrator.
/// </summary>
[DbContext(typeof(CatalogDbContext))]
[Migration("20261206000001_OfflineAi")]
public sealed class OfflineAi : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            ALTER TABLE images ADD COLUMN ocr_text text NULL,
                ADD COLUMN ocr_confidence real NULL,
                ADD COLUMN ocr_at timestamptz NULL;

            -- A generated column's expression cannot be altered: drop and add it again (one table rewrite).
            DROP INDEX IF EXISTS ix_images_search_doc;
            ALTER TABLE images DROP COLUMN search_doc;
            ALTER TABLE images ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
                setweight(to_tsvector('english'::regconfig, tag_text), 'A') ||
                setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B') ||
                setweight(to_tsvector('simple'::regconfig, regexp_replace(path, '[/\\._\-]+', ' ', 'g')), 'C') ||
                setweight(to_tsvector('english'::regconfig, coalesce(ocr_text, '')), 'C') ||
                setweight(to_tsvector('english'::regconfig, coalesce(alt_text, '')), 'D')
            ) STORED;
            CREATE INDEX ix_images_search_doc ON images USING gin (search_doc);

            CREATE TABLE tag_suggestion_dismissals (
                image_id bigint NOT NULL REFERENCES images (id) ON DELETE CASCADE,
                tag_id bigint NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
                created_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (image_id, tag_id)
            );
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            DROP TABLE IF EXISTS tag_suggestion_dismissals;
            DROP INDEX IF EXISTS ix_images_search_doc;
            ALTER TABLE images DROP COLUMN search_doc;
            ALTER TABLE images ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
                setweight(to_tsvector('english'::regconfig, tag_text), 'A') ||
                setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B') ||
                setweight(to_tsvector('simple'::regconfig, regexp_replace(path, '[/\\._\-]+', ' ', 'g')), 'C') ||
                setweight(to_tsvector('english'::regconfig, coalesce(alt_text, '')), 'D')
            ) STORED;
            CREATE INDEX ix_images_search_doc ON images USING gin (search_doc);
            ALTER TABLE images DROP COLUMN ocr_text, DROP COLUMN ocr_confidence, DROP COLUMN ocr_at;
            """);
    }
}
