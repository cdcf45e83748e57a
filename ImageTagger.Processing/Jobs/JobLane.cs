namespace ImageTagger.Processing.Jobs;

/// <summary>A set of job kinds that share a concurrency limit (file work vs. model work).</summary>
public sealed record JobLane(string Name, IReadOnlyList<string> Kinds, int Concurrency);
