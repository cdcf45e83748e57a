using System.Security.Cryptography;
using ImageTagger.TestSupport.Images;

namespace ImageTagger.Imaging.Tests;

public sealed class FingerprintTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Matches_sha256_of_the_bytes()
    {
        using var dir = new TempImageDirectory();
        var path = dir.File("data.bin");
        var bytes = new byte[(3 * 1024 * 1024) + 17]; // spans several pooled buffers
        Random.Shared.NextBytes(bytes);
        await File.WriteAllBytesAsync(path, bytes, Ct);

        var expected = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Assert.Equal(expected, await FileFingerprint.ComputeSha256Async(path, Ct));
        Assert.Equal(expected, FileFingerprint.ComputeSha256(path, Ct));
    }

    [Fact]
    public async Task Empty_file_has_the_empty_hash()
    {
        using var dir = new TempImageDirectory();
        var path = TestImageFactory.CreateEmptyFile(dir.File("empty.jpg"));
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", await FileFingerprint.ComputeSha256Async(path, Ct));
    }

    [Fact]
    public async Task Cancellation_and_missing_files_throw()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => FileFingerprint.ComputeSha256Async(SampleImages.Path("jpg", "Canon_40D.jpg"), cts.Token));
        await Assert.ThrowsAsync<FileNotFoundException>(() => FileFingerprint.ComputeSha256Async(Path.Combine(Path.GetTempPath(), "missing-" + Guid.NewGuid() + ".jpg"), Ct));
    }
}
