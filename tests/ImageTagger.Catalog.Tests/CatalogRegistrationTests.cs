using ImageTagger.TestSupport.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace ImageTagger.Catalog.Tests;

/// <summary>What AddCatalog gets from Aspire's client integrations, checked against a real database.</summary>
public sealed class CatalogRegistrationTests(CatalogDatabase database) : IClassFixture<CatalogDatabase>
{
    [Fact]
    public async Task The_context_retries_has_one_health_check_and_shares_the_connection_string_with_the_data_source()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var services = database.CreateServices();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();

        // Aspire's retrying strategy refuses SaveChanges inside a transaction of our own: such work runs inside
        // CreateExecutionStrategy().ExecuteAsync (EmbeddingStore.NearestAsync) or on CatalogDbContext.ForConnection,
        // which has no retrying strategy (the job queue's transactions, JobContext).
        Assert.True(db.Database.CreateExecutionStrategy().RetriesOnFailure);
        await using (await db.Database.BeginTransactionAsync(ct))
        {
            db.Folders.Add(new Folders.Folder { Path = "/retry-" + Guid.NewGuid().ToString("N") });
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync(ct));
            Assert.Contains("user-initiated transactions", refused.Message);
        }

        var efDatabase = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()).Database;
        var rawDatabase = new NpgsqlConnectionStringBuilder(services.GetRequiredService<NpgsqlDataSource>().ConnectionString).Database;
        Assert.Equal(database.DatabaseName, efDatabase);
        Assert.Equal(database.DatabaseName, rawDatabase);

        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(ct);
        var entry = Assert.Single(report.Entries);
        Assert.Equal(nameof(CatalogDbContext), entry.Key);
        Assert.Equal(HealthStatus.Healthy, entry.Value.Status);
    }

    [Fact]
    public async Task The_registered_context_reads_and_writes_jsonb_dictionaries()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var services = database.CreateServices();
        long id;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
            var folder = new Folders.Folder { Path = "/exif-" + Guid.NewGuid().ToString("N") };
            db.Folders.Add(folder);
            await db.SaveChangesAsync(ct);
            var image = new Images.Image
            {
                FolderId = folder.Id, Path = folder.Path + "/a.jpg", FileName = "a.jpg",
                Exif = new Dictionary<string, string> { ["Make"] = "NIKON", ["FNumber"] = "2.8" },
            };
            db.Images.Add(image);
            await db.SaveChangesAsync(ct);
            id = image.Id;
        }

        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
            var exif = await db.Images.AsNoTracking().Where(i => i.Id == id).Select(i => i.Exif).SingleAsync(ct);
            Assert.Equal("NIKON", exif!["Make"]);
            Assert.Equal("2.8", exif["FNumber"]);
        }
    }

    [Fact]
    public void A_missing_connection_string_is_refused_at_registration_with_its_name()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => CatalogServices.Build(""));
        Assert.Contains("ConnectionStrings__imagetagger", ex.Message);
    }
}
