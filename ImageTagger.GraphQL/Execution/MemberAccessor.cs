using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;

namespace ImageTagger.GraphQL.Execution;

/// <summary>Cached compiled getters for the default resolver: property or field by name, case-insensitive.</summary>
internal static class MemberAccessor
{
    private static readonly ConcurrentDictionary<(Type, string), Func<object, object?>?> _cache = new();

    public static Func<object, object?>? Get(Type type, string name) => _cache.GetOrAdd((type, name), static key =>
    {
        var (t, n) = key;
        const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase;
        MemberInfo? member;
        try
        {
            member = t.GetProperty(n, flags) is { GetMethod: not null } p && p.GetIndexParameters().Length == 0 ? p : null;
            member ??= t.GetField(n, flags);
        }
        catch (AmbiguousMatchException)
        {
            // Two members differ only by case: prefer the exact name.
            member = (MemberInfo?)t.GetProperty(n, BindingFlags.Public | BindingFlags.Instance) ?? t.GetField(n, BindingFlags.Public | BindingFlags.Instance);
        }
        if (member is null) return null;
        var param = Expression.Parameter(typeof(object), "o");
        var body = Expression.Convert(Expression.MakeMemberAccess(Expression.Convert(param, t), member), typeof(object));
        return Expression.Lambda<Func<object, object?>>(body, param).Compile();
    });
}
