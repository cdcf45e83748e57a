using System.Linq.Expressions;
using System.Reflection;
using ImageTagger.GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTagger.GraphQL.Execution;

/// <summary>Marks a resolver parameter that receives the parent value.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class ParentAttribute : Attribute;

/// <summary>
/// Builds a <see cref="FieldResolver"/> from any delegate by binding its parameters: <see cref="IResolverContext"/>,
/// <see cref="CancellationToken"/>, <c>[Parent]</c> parameters, GraphQL arguments (by name, case-insensitive, converted
/// to the parameter type) and otherwise services from the request's service provider. Compiled once.
/// </summary>
internal static class ParameterBinding
{
    private static readonly MethodInfo _bindArgument = typeof(ParameterBinding).GetMethod(nameof(BindArgument), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo _bindService = typeof(ParameterBinding).GetMethod(nameof(BindService), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo _bindParent = typeof(ParameterBinding).GetMethod(nameof(BindParent), BindingFlags.NonPublic | BindingFlags.Static)!;

    public static FieldResolver Create(Delegate handler, IReadOnlyCollection<string> argumentNames)
    {
        var method = handler.Method;
        var ctx = Expression.Parameter(typeof(IResolverContext), "ctx");
        var args = method.GetParameters().Select(p => Bind(p, ctx, argumentNames)).ToArray();
        Expression call = handler.Target is null
            ? Expression.Call(method, args)
            : Expression.Call(Expression.Constant(handler.Target), method, args);
        var returnType = method.ReturnType;
        if (returnType == typeof(void))
        {
            var body = Expression.Block(call, Expression.Constant(null, typeof(object)));
            var sync = Expression.Lambda<Func<IResolverContext, object?>>(body, ctx).Compile();
            return c => new ValueTask<object?>(sync(c));
        }
        var compiled = Expression.Lambda<Func<IResolverContext, object?>>(Expression.Convert(call, typeof(object)), ctx).Compile();
        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            // The executor awaits returned tasks itself (and unwraps their result); a ValueTask is turned into a Task once.
            var asTask = returnType.GetMethod(nameof(ValueTask<int>.AsTask))!;
            return c => new ValueTask<object?>(compiled(c) is { } r ? asTask.Invoke(r, null) : null);
        }
        return c => new ValueTask<object?>(compiled(c));
    }

    private static Expression Bind(ParameterInfo p, ParameterExpression ctx, IReadOnlyCollection<string> argumentNames)
    {
        var type = p.ParameterType;
        if (type == typeof(IResolverContext)) return ctx;
        if (type == typeof(CancellationToken)) return Expression.Property(ctx, nameof(IResolverContext.CancellationToken));
        if (p.GetCustomAttribute<ParentAttribute>() is not null)
            return Expression.Call(_bindParent.MakeGenericMethod(type), ctx);
        var argName = argumentNames.FirstOrDefault(a => string.Equals(a, p.Name, StringComparison.OrdinalIgnoreCase));
        if (argName is not null)
            return Expression.Call(_bindArgument.MakeGenericMethod(type), ctx, Expression.Constant(argName),
                Expression.Constant(p.HasDefaultValue ? p.DefaultValue : null, typeof(object)));
        var optional = p.HasDefaultValue || new NullabilityInfoContext().Create(p).WriteState == NullabilityState.Nullable;
        return Expression.Call(_bindService.MakeGenericMethod(type), ctx, Expression.Constant(optional));
    }

    private static T BindArgument<T>(IResolverContext ctx, string name, object? fallback) =>
        ctx.Arguments.TryGetValue(name, out var v) && v is not null ? ArgumentConverter.Convert<T>(v) : fallback is T f ? f : default!;

    private static T BindParent<T>(IResolverContext ctx) => ctx.Source is T t ? t : default!;

    private static T BindService<T>(IResolverContext ctx, bool optional) where T : notnull =>
        optional ? ctx.RequestServices.GetService<T>()! : ctx.RequestServices.GetRequiredService<T>();
}
