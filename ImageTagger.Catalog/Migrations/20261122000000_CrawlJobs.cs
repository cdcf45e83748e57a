using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ImageTagger.Catalog.Migrations;

/// <summary>
/// Crawl jobs and their durable frontier: pages to visit (with depth) and images found (with their fate),
/// so a crawl can pause, resume and survive a restart without fetching again what it already has.
/// </summary>
[DbContext(typeof(CatalogDbContext))]
[Migration("20261122000000_CrawlJobs")]
public sealed class CrawlJobs : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE TABLE crawl_jobs (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                start_url text NOT NULL,
                state text NOT NULL DEFAULT 'Queued',
                max_depth integer NOT NULL DEFAULT 2 CHECK (max_depth >= 0),
                same_host_only boolean NOT NULL DEFAULT true,
                include_patterns text[] NOT NULL DEFAULT '{}',
                exclude_patterns text[] NOT NULL DEFAULT '{}',
                max_pages integer NOT NULL DEFAULT 100 CHECK (max_pages >= 1),
                max_images integer NOT NULL DEFAULT 500 CHECK (max_images >= 1),
                min_image_bytes bigint NOT NULL DEFAULT 2048 CHECK (min_image_bytes >= 0),
                min_image_width integer NOT NULL DEFAULT 100 CHECK (min_image_width >= 0),
                min_image_height integer NOT NULL DEFAULT 100 CHECK (min_image_height >= 0),
                politeness_delay interval NOT NULL DEFAULT '1 second',
                max_concurrency_per_host integer NOT NULL DEFAULT 2 CHECK (max_concurrency_per_host >= 1),
                folder_id bigint NULL REFERENCES folders (id) ON DELETE SET NULL,
                last_error text NULL,
                runs integer NOT NULL DEFAULT 0,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                started_at timestamptz NULL,
                finished_at timestamptz NULL
            );
            CREATE INDEX ix_crawl_jobs_state ON crawl_jobs (state);
            CREATE INDEX ix_crawl_jobs_folder_id ON crawl_jobs (folder_id) WHERE folder_id IS NOT NULL;

            CREATE TABLE crawl_pages (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                crawl_job_id bigint NOT NULL REFERENCES crawl_jobs (id) ON DELETE CASCADE,
                url text NOT NULL,
                depth integer NOT NULL,
                referrer_url text NULL,
                state text NOT NULL DEFAULT 'Pending',
                status_code integer NULL,
                title text NULL,
                reason text NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                visited_at timestamptz NULL
            );
            CREATE UNIQUE INDEX ix_crawl_pages_crawl_job_id_url ON crawl_pages (crawl_job_id, url);
            CREATE INDEX ix_crawl_pages_crawl_job_id_state_depth ON crawl_pages (crawl_job_id, state, depth);

            CREATE TABLE crawl_images (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                crawl_job_id bigint NOT NULL REFERENCES crawl_jobs (id) ON DELETE CASCADE,
                url text NOT NULL,
                page_url text NOT NULL,
                page_title text NULL,
                alt_text text NULL,
                title text NULL,
                state text NOT NULL DEFAULT 'Pending',
                reason text NULL,
                checksum text NULL,
                size_bytes bigint NULL,
                width integer NULL,
                height integer NULL,
                image_id bigint NULL REFERENCES images (id) ON DELETE SET NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                fetched_at timestamptz NULL
            );
            CREATE UNIQUE INDEX ix_crawl_images_crawl_job_id_url ON crawl_images (crawl_job_id, url);
            CREATE INDEX ix_crawl_images_crawl_job_id_state ON crawl_images (crawl_job_id, state);
            CREATE INDEX ix_crawl_images_crawl_job_id_checksum ON crawl_images (crawl_job_id, checksum);
            CREATE INDEX ix_crawl_images_image_id ON crawl_images (image_id);
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TABLE IF EXISTS crawl_images, crawl_pages, crawl_jobs;");
    }
}
