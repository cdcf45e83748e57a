using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ImageTagger.Catalog.Migrations;

/// <summary>
/// Jobs per folder, kind and state, kept by the database (issue 20): progress read 230–420 ms counting the jobs table
/// once a million images were queued, twice a second while anyone watched. Triggers append each statement's changes
/// to <c>job_count_changes</c> (appended, never updated: workers finishing jobs side by side never wait on a counter
/// row, and no two transactions can deadlock over one); <see cref="Jobs.JobQueue.FoldCountsAsync"/> folds them into
/// <c>job_counts</c> every few seconds. Progress sums both.
/// </summary>
[DbContext(typeof(CatalogDbContext))]
[Migration("20261206000004_JobCounts")]
public sealed class JobCounts : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(
            """
            CREATE TABLE job_counts (
                folder_id bigint NOT NULL, -- 0: jobs of no folder, as in job_archive
                kind text NOT NULL,
                state text NOT NULL,
                jobs bigint NOT NULL DEFAULT 0,
                PRIMARY KEY (folder_id, kind, state)
            );
            CREATE TABLE job_count_changes (
                folder_id bigint NOT NULL,
                kind text NOT NULL,
                state text NOT NULL,
                jobs bigint NOT NULL
            );
            CREATE FUNCTION job_counts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    INSERT INTO job_count_changes SELECT coalesce(folder_id, 0), kind, state, count(*) FROM new_rows GROUP BY 1, 2, 3;
                ELSIF TG_OP = 'DELETE' THEN
                    INSERT INTO job_count_changes SELECT coalesce(folder_id, 0), kind, state, -count(*) FROM old_rows GROUP BY 1, 2, 3;
                ELSE
                    -- A heartbeat moves nothing: its old and new rows cancel out and nothing is written.
                    INSERT INTO job_count_changes
                    SELECT folder_id, kind, state, sum(jobs) FROM (
                        SELECT coalesce(folder_id, 0) AS folder_id, kind, state, count(*) AS jobs FROM new_rows GROUP BY 1, 2, 3
                        UNION ALL
                        SELECT coalesce(folder_id, 0), kind, state, -count(*) FROM old_rows GROUP BY 1, 2, 3) d
                    GROUP BY 1, 2, 3 HAVING sum(jobs) <> 0;
                END IF;
                RETURN NULL;
            END $$;
            CREATE TRIGGER trg_job_counts_insert AFTER INSERT ON jobs REFERENCING NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION job_counts_changed();
            CREATE TRIGGER trg_job_counts_update AFTER UPDATE ON jobs REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION job_counts_changed();
            CREATE TRIGGER trg_job_counts_delete AFTER DELETE ON jobs REFERENCING OLD TABLE AS old_rows
                FOR EACH STATEMENT EXECUTE FUNCTION job_counts_changed();
            INSERT INTO job_counts (folder_id, kind, state, jobs) SELECT coalesce(folder_id, 0), kind, state, count(*) FROM jobs GROUP BY 1, 2, 3;
            """);

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(
            """
            DROP TRIGGER IF EXISTS trg_job_counts_insert ON jobs;
            DROP TRIGGER IF EXISTS trg_job_counts_update ON jobs;
            DROP TRIGGER IF EXISTS trg_job_counts_delete ON jobs;
            DROP FUNCTION IF EXISTS job_counts_changed();
            DROP TABLE IF EXISTS job_count_changes;
            DROP TABLE IF EXISTS job_counts;
            """);
}
