using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ImageTagger.Catalog.Migrations;

/// <summary>
/// Queued jobs indexed by kind first (issue 20): a worker lane claims the head of each of its kinds' queues in order,
/// instead of one index over every kind, in which a lane whose kind sat behind a million queued analyses walked past
/// them all. The old index served only the claim.
/// </summary>
[DbContext(typeof(CatalogDbContext))]
[Migration("20261206000003_QueueByKind")]
public sealed class QueueByKind : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(
            """
            CREATE INDEX ix_jobs_queued ON jobs (kind, priority DESC, id) WHERE state = 'Queued';
            DROP INDEX IF EXISTS ix_jobs_claim;
            """);

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(
            """
            CREATE INDEX ix_jobs_claim ON jobs (priority DESC, id) WHERE state = 'Queued';
            DROP INDEX IF EXISTS ix_jobs_queued;
            """);
}
