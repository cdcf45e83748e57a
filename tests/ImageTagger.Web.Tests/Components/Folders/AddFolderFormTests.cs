extern alias web;

using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using web::ImageTagger.Web.Api;
using web::ImageTagger.Web.Components.Pages.Folders;
using web::ImageTagger.Web.Components.Shared;

namespace ImageTagger.Web.Tests.Components.Folders;

public sealed class AddFolderFormTests
{
    [Theory]
    [InlineData(null, "Enter the folder's path on the server.")]
    [InlineData("photos/holiday", "Use an absolute path (starting with /).")]
    [InlineData("/photos/holiday", null)]
    public void The_path_must_be_absolute(string? path, string? problem)
    {
        var form = new AddFolderForm { Path = path };
        var context = new EditContext(form);
        using var services = new ServiceCollection().BuildServiceProvider();
        context.EnableDataAnnotationsValidation(services);
        Assert.Equal(problem is null, context.Validate());
        Assert.Equal(problem is null ? [] : [problem], context.GetValidationMessages(new FieldIdentifier(form, nameof(AddFolderForm.Path))));
    }

    [Fact]
    public void The_Apis_errors_go_to_the_field_they_name_and_leave_when_it_is_edited()
    {
        var form = new AddFolderForm { Path = "/etc" };
        var context = new EditContext(form);
        var api = new ApiValidation(context);
        var rest = api.Show(
            [new UserError("OUTSIDE_ROOTS", "/etc is not inside an allowed root.", "path"), new UserError("OTHER", "Try later.", null)],
            ApiValidation.ByPropertyName(form));
        Assert.Equal("Try later.", rest);
        Assert.Equal(["/etc is not inside an allowed root."], context.GetValidationMessages(new FieldIdentifier(form, nameof(AddFolderForm.Path))));

        context.NotifyFieldChanged(new FieldIdentifier(form, nameof(AddFolderForm.Path)));
        Assert.Empty(context.GetValidationMessages(new FieldIdentifier(form, nameof(AddFolderForm.Path))));
        Assert.Null(api.Show([], ApiValidation.ByPropertyName(form)));
    }
}
