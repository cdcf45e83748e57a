namespace ImageTagger.Web.Api;

/// <summary>The Api could not be reached or did not answer in time: pages show a banner instead of failing.</summary>
public sealed class ApiUnavailableException : Exception
{
    public ApiUnavailableException()
    {
    }

    public ApiUnavailableException(string message)
        : base(message)
    {
    }

    public ApiUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>The Api answered with GraphQL errors (not user errors, which come back in payloads).</summary>
public sealed class ApiRequestException : Exception
{
    public ApiRequestException()
    {
    }

    public ApiRequestException(string message)
        : base(message)
    {
    }

    public ApiRequestException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
