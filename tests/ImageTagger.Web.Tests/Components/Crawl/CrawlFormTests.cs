extern alias web;

using System.ComponentModel.DataAnnotations;
using web::ImageTagger.Web.Components.Pages.Crawl;

namespace ImageTagger.Web.Tests.Components.Crawl;

public sealed class CrawlFormTests
{
    private static List<string> Problems(CrawlForm form)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(form, new ValidationContext(form), results, validateAllProperties: true);
        return results.Select(r => r.ErrorMessage!).ToList();
    }

    [Fact]
    public void A_full_http_address_within_the_limits_is_valid() =>
        Assert.Empty(Problems(new CrawlForm { StartUrl = " https://example.org/gallery " }));

    [Theory]
    [InlineData(null, "Enter the address to start from.")]
    [InlineData("example.org", "Enter a full http:// or https:// address.")]
    [InlineData("ftp://example.org/", "Enter a full http:// or https:// address.")]
    public void The_start_address_must_be_http(string? url, string problem) =>
        Assert.Equal([problem], Problems(new CrawlForm { StartUrl = url }));

    [Fact]
    public void Limits_out_of_range_are_named()
    {
        var problems = Problems(new CrawlForm { StartUrl = "http://example.org/", MaxDepth = "51", MaxPages = "0", MaxImages = "many" });
        Assert.Equal(["Link depth is 0 to 50.", "Pages are 1 to 1,000,000.", "Images are 1 to 1,000,000."], problems);
    }

    [Fact]
    public void Limits_typed_as_text_are_sent_as_numbers()
    {
        var form = new CrawlForm { MaxDepth = " 3 ", MaxPages = "40", MaxImages = "7" };
        Assert.Equal((3, 40, 7), (form.Depth, form.Pages, form.Images));
    }

    [Theory]
    [InlineData("QUEUED", "pause,cancel")]
    [InlineData("RUNNING", "pause,cancel")]
    [InlineData("PAUSED", "resume,cancel,delete")]
    [InlineData("COMPLETED", "delete")]
    [InlineData("CANCELLED", "delete")]
    public void Each_state_offers_its_actions(string state, string actions)
    {
        Assert.Equal(actions.Split(','), CrawlForm.Actions(state));
        Assert.Equal(state is "QUEUED" or "RUNNING", CrawlForm.IsActive(state));
    }

    [Fact]
    public void The_gallery_gets_the_folder_number_from_a_global_id()
    {
        Assert.Equal("12", CrawlForm.FolderNumber(Convert.ToBase64String("Folder:12"u8.ToArray())));
        Assert.Equal("7", CrawlForm.FolderNumber("7"));
        Assert.Null(CrawlForm.FolderNumber(null));
    }
}
