using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ImageTagger.Catalog.Migrations;

/// <summary>
/// The initial schema. Written as SQL because much of it (generated tsvector, triggers, pgvector,
/// trigram indexes, partial unique job keys) has no EF builder API; the EF model maps the same tables.
/// </summary>
[DbContext(typeof(CatalogDbContext))]
[Migration("20261121000000_Initial")]
public sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE EXTENSION IF NOT EXISTS vector;
            CREATE EXTENSION IF NOT EXISTS pg_trgm;
            CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;

            CREATE TABLE folders (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                path text NOT NULL,
                recursive boolean NOT NULL DEFAULT true,
                active boolean NOT NULL DEFAULT true,
                write_back_mode text NOT NULL DEFAULT 'None',
                last_scan_at timestamptz NULL,
                last_scan_error text NULL,
                image_count integer NOT NULL DEFAULT 0,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE UNIQUE INDEX ix_folders_path ON folders (path);

            CREATE TABLE images (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                folder_id bigint NOT NULL REFERENCES folders (id) ON DELETE CASCADE,
                path text NOT NULL,
                file_name text NOT NULL,
                size_bytes bigint NOT NULL DEFAULT 0,
                modified_at timestamptz NOT NULL,
                checksum text NULL,
                duplicate_of_id bigint NULL REFERENCES images (id) ON DELETE SET NULL,
                width integer NULL,
                height integer NULL,
                format text NULL,
                taken_at timestamptz NULL,
                camera_make text NULL,
                camera_model text NULL,
                lens text NULL,
                latitude double precision NULL,
                longitude double precision NULL,
                altitude double precision NULL,
                orientation smallint NULL,
                exif jsonb NULL,
                description text NULL,
                description_model text NULL,
                described_at timestamptz NULL,
                source_url text NULL,
                source_page_url text NULL,
                alt_text text NULL,
                status text NOT NULL DEFAULT 'Discovered',
                error text NULL,
                written_back_at timestamptz NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                -- Tag names, kept by triggers, so the search document can be a generated column.
                tag_text text NOT NULL DEFAULT '',
                search_doc tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('english'::regconfig, tag_text), 'A') ||
                    setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B') ||
                    setweight(to_tsvector('simple'::regconfig, regexp_replace(path, '[/\\._\-]+', ' ', 'g')), 'C') ||
                    setweight(to_tsvector('english'::regconfig, coalesce(alt_text, '')), 'D')
                ) STORED
            );
            CREATE UNIQUE INDEX ix_images_path ON images (path);
            CREATE INDEX ix_images_checksum ON images (checksum);
            CREATE INDEX ix_images_folder_id_status ON images (folder_id, status);
            CREATE INDEX ix_images_taken_at ON images (taken_at);
            CREATE INDEX ix_images_search_doc ON images USING gin (search_doc);
            CREATE INDEX ix_images_file_name_trgm ON images USING gin (file_name gin_trgm_ops);

            CREATE TABLE tags (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                name text NOT NULL,
                normalized_name text NOT NULL,
                usage_count integer NOT NULL DEFAULT 0,
                created_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE UNIQUE INDEX ix_tags_normalized_name ON tags (normalized_name);
            CREATE INDEX ix_tags_normalized_name_trgm ON tags USING gin (normalized_name gin_trgm_ops);
            CREATE INDEX ix_tags_usage_count ON tags (usage_count DESC);

            CREATE TABLE image_tags (
                image_id bigint NOT NULL REFERENCES images (id) ON DELETE CASCADE,
                tag_id bigint NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
                source text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (image_id, tag_id)
            );
            CREATE INDEX ix_image_tags_tag_id ON image_tags (tag_id);

            -- Keeps tags.usage_count and images.tag_text in step with image_tags.
            CREATE FUNCTION image_tags_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('INSERT', 'UPDATE') THEN
                    UPDATE tags SET usage_count = usage_count + 1 WHERE id = NEW.tag_id AND TG_OP = 'INSERT';
                    UPDATE images SET tag_text = coalesce((SELECT string_agg(t.name, ' ' ORDER BY t.name)
                        FROM image_tags it JOIN tags t ON t.id = it.tag_id WHERE it.image_id = NEW.image_id), '')
                    WHERE id = NEW.image_id;
                END IF;
                IF TG_OP IN ('DELETE', 'UPDATE') THEN
                    UPDATE tags SET usage_count = greatest(usage_count - 1, 0) WHERE id = OLD.tag_id AND TG_OP = 'DELETE';
                    UPDATE images SET tag_text = coalesce((SELECT string_agg(t.name, ' ' ORDER BY t.name)
                        FROM image_tags it JOIN tags t ON t.id = it.tag_id WHERE it.image_id = OLD.image_id), '')
                    WHERE id = OLD.image_id;
                END IF;
                RETURN NULL;
            END $$;
            CREATE TRIGGER trg_image_tags_changed AFTER INSERT OR UPDATE OR DELETE ON image_tags
                FOR EACH ROW EXECUTE FUNCTION image_tags_changed();

            CREATE FUNCTION tags_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE images i SET tag_text = coalesce((SELECT string_agg(t.name, ' ' ORDER BY t.name)
                    FROM image_tags it JOIN tags t ON t.id = it.tag_id WHERE it.image_id = i.id), '')
                WHERE i.id IN (SELECT image_id FROM image_tags WHERE tag_id = NEW.id);
                RETURN NULL;
            END $$;
            CREATE TRIGGER trg_tags_renamed AFTER UPDATE OF name ON tags
                FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION tags_renamed();

            -- One row per image and embedding model: a new model adds rows, it never touches descriptions.
            -- The column has no fixed dimension; HNSW indexes are built per dimension on a cast
            -- (see EmbeddingIndex), so the dimension comes from configuration, not from this migration.
            CREATE TABLE image_embeddings (
                image_id bigint NOT NULL REFERENCES images (id) ON DELETE CASCADE,
                model text NOT NULL,
                dimensions integer NOT NULL,
                embedding vector NOT NULL,
                content_hash text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (image_id, model),
                CHECK (vector_dims(embedding) = dimensions)
            );

            CREATE TABLE jobs (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                kind text NOT NULL,
                payload jsonb NOT NULL DEFAULT '{}',
                state text NOT NULL DEFAULT 'Queued',
                priority integer NOT NULL DEFAULT 0,
                attempts integer NOT NULL DEFAULT 0,
                max_attempts integer NOT NULL DEFAULT 5,
                run_after timestamptz NOT NULL DEFAULT now(),
                lease_owner text NULL,
                lease_expires timestamptz NULL,
                last_error text NULL,
                dedupe_key text NULL,
                image_id bigint NULL,
                folder_id bigint NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                started_at timestamptz NULL,
                completed_at timestamptz NULL
            );
            CREATE INDEX ix_jobs_claim ON jobs (priority DESC, id) WHERE state = 'Queued';
            CREATE INDEX ix_jobs_lease ON jobs (lease_expires) WHERE state = 'Running';
            CREATE INDEX ix_jobs_kind_state ON jobs (kind, state);
            CREATE INDEX ix_jobs_folder_id ON jobs (folder_id) WHERE folder_id IS NOT NULL;
            CREATE INDEX ix_jobs_image_id ON jobs (image_id) WHERE image_id IS NOT NULL;
            CREATE UNIQUE INDEX ix_jobs_dedupe_key ON jobs (dedupe_key) WHERE state IN ('Queued', 'Running');

            CREATE TABLE settings (
                key text PRIMARY KEY,
                value jsonb NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now()
            );
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            DROP TABLE IF EXISTS settings, jobs, image_embeddings, image_tags, tags, images, folders;
            DROP FUNCTION IF EXISTS image_tags_changed();
            DROP FUNCTION IF EXISTS tags_renamed();
            """);
    }
}
