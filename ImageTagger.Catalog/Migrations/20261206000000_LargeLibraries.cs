using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ImageTagger.Catalog.Migrations;

/// <summary>
/// What a library of a million images needs: counts kept as it changes (no count(*) over a million rows per page
/// view), indexes that let gallery pages continue from a cursor (keyset) instead of skipping rows (OFFSET), and a
/// bounded jobs table (finished jobs are pruned into per-folder totals that progress still adds up).
/// </summary>
[DbContext(typeof(CatalogDbContext))]
[Migration("20261206000000_LargeLibraries")]
public sealed class LargeLibraries : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            -- Images and bytes per folder and status. Statement-level triggers with transition tables: a scan's batch
            -- insert of thousands of rows costs one upsert per (folder, status), and updates that change neither
            -- (most of them: descriptions, tag text) touch no counter row at all. Rows are upserted in key order so
            -- two transactions never take the same counter rows in opposite orders.
            CREATE TABLE image_counts (
                folder_id bigint NOT NULL,
                status text NOT NULL,
                images bigint NOT NULL DEFAULT 0,
                bytes bigint NOT NULL DEFAULT 0,
                PRIMARY KEY (folder_id, status)
            );

            CREATE FUNCTION image_counts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    INSERT INTO image_counts AS c (folder_id, status, images, bytes)
                    SELECT folder_id, status, count(*), coalesce(sum(size_bytes), 0) FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
                    ON CONFLICT (folder_id, status) DO UPDATE SET images = c.images + excluded.images, bytes = c.bytes + excluded.bytes;
                ELSIF TG_OP = 'DELETE' THEN
                    INSERT INTO image_counts AS c (folder_id, status, images, bytes)
                    SELECT folder_id, status, -count(*), -coalesce(sum(size_bytes), 0) FROM old_rows GROUP BY 1, 2 ORDER BY 1, 2
                    ON CONFLICT (folder_id, status) DO UPDATE SET images = c.images + excluded.images, bytes = c.bytes + excluded.bytes;
                ELSE
                    INSERT INTO image_counts AS c (folder_id, status, images, bytes)
                    SELECT folder_id, status, sum(n), sum(b) FROM (
                        SELECT folder_id, status, 1 AS n, size_bytes AS b FROM new_rows
                        UNION ALL SELECT folder_id, status, -1, -size_bytes FROM old_rows) d
                    GROUP BY 1, 2 HAVING sum(n) <> 0 OR sum(b) <> 0 ORDER BY 1, 2
                    ON CONFLICT (folder_id, status) DO UPDATE SET images = c.images + excluded.images, bytes = c.bytes + excluded.bytes;
                END IF;
                RETURN NULL;
            END $$;
            CREATE TRIGGER trg_image_counts_insert AFTER INSERT ON images REFERENCING NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION image_counts_changed();
            CREATE TRIGGER trg_image_counts_update AFTER UPDATE ON images REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION image_counts_changed();
            CREATE TRIGGER trg_image_counts_delete AFTER DELETE ON images REFERENCING OLD TABLE AS old_rows
                FOR EACH STATEMENT EXECUTE FUNCTION image_counts_changed();

            -- Embedding rows per model, kept the same way (stats' "embedded" without counting a million rows).
            CREATE TABLE embedding_counts (
                model text PRIMARY KEY,
                embeddings bigint NOT NULL DEFAULT 0
            );
            CREATE FUNCTION embedding_counts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    INSERT INTO embedding_counts AS c (model, embeddings)
                    SELECT model, count(*) FROM new_rows GROUP BY 1 ORDER BY 1
                    ON CONFLICT (model) DO UPDATE SET embeddings = c.embeddings + excluded.embeddings;
                ELSE
                    INSERT INTO embedding_counts AS c (model, embeddings)
                    SELECT model, -count(*) FROM old_rows GROUP BY 1 ORDER BY 1
                    ON CONFLICT (model) DO UPDATE SET embeddings = c.embeddings + excluded.embeddings;
                END IF;
                RETURN NULL;
            END $$;
            CREATE TRIGGER trg_embedding_counts_insert AFTER INSERT ON image_embeddings REFERENCING NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION embedding_counts_changed();
            CREATE TRIGGER trg_embedding_counts_delete AFTER DELETE ON image_embeddings REFERENCING OLD TABLE AS old_rows
                FOR EACH STATEMENT EXECUTE FUNCTION embedding_counts_changed();

            -- Recounts from the tables (the backfill below; also for bulk loads that bypass triggers).
            CREATE FUNCTION recount_catalog() RETURNS void LANGUAGE sql AS $$
                DELETE FROM image_counts;
                INSERT INTO image_counts (folder_id, status, images, bytes)
                SELECT folder_id, status, count(*), coalesce(sum(size_bytes), 0) FROM images GROUP BY 1, 2;
                DELETE FROM embedding_counts;
                INSERT INTO embedding_counts (model, embeddings) SELECT model, count(*) FROM image_embeddings GROUP BY 1;
            $$;
            SELECT recount_catalog();

            -- Finished jobs pruned from the jobs table, summed per folder, kind and state, so progress still counts them.
            CREATE TABLE job_archive (
                folder_id bigint NOT NULL DEFAULT 0, -- 0: jobs of no folder
                kind text NOT NULL,
                state text NOT NULL,
                jobs bigint NOT NULL DEFAULT 0,
                PRIMARY KEY (folder_id, kind, state)
            );
            CREATE INDEX ix_jobs_finished ON jobs ((coalesce(completed_at, updated_at)), id) WHERE state IN ('Done', 'Cancelled'); -- Cancelled jobs have no completed_at

            -- Keyset paging of the gallery: every order the gallery offers has an index that ends in the id.
            CREATE INDEX ix_images_folder_id_id ON images (folder_id, id);
            CREATE INDEX ix_images_taken_order ON images ((taken_at IS NOT NULL), taken_at, id);
            CREATE INDEX ix_images_file_name_id ON images (file_name, id);

            -- A tag's images in id order (fuzzy tag search reads only the first ones of a popular tag).
            CREATE INDEX ix_image_tags_tag_id_image_id ON image_tags (tag_id, image_id);
            DROP INDEX ix_image_tags_tag_id;
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE INDEX IF NOT EXISTS ix_image_tags_tag_id ON image_tags (tag_id);
            DROP INDEX IF EXISTS ix_image_tags_tag_id_image_id, ix_images_file_name_id, ix_images_taken_order, ix_images_folder_id_id, ix_jobs_finished;
            DROP TABLE IF EXISTS job_archive;
            DROP TRIGGER IF EXISTS trg_embedding_counts_insert ON image_embeddings;
            DROP TRIGGER IF EXISTS trg_embedding_counts_delete ON image_embeddings;
            DROP TRIGGER IF EXISTS trg_image_counts_insert ON images;
            DROP TRIGGER IF EXISTS trg_image_counts_update ON images;
            DROP TRIGGER IF EXISTS trg_image_counts_delete ON images;
            DROP FUNCTION IF EXISTS recount_catalog();
            DROP FUNCTION IF EXISTS embedding_counts_changed();
            DROP FUNCTION IF EXISTS image_counts_changed();
            DROP TABLE IF EXISTS embedding_counts, image_counts;
            """);
    }
}
