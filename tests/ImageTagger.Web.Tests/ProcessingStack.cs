namespace ImageTagger.Web.Tests;

/// <summary>A stack with the Processing service running: folders added in the UI really get scanned and described.</summary>
public sealed class ProcessingStack : WebStack
{
    protected override bool WithProcessing => true;
}
