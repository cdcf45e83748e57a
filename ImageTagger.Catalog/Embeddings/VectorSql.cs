using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query.SqlExpressions;
using Pgvector;

namespace ImageTagger.Catalog.Embeddings;

/// <summary>
/// <c>embedding::vector(N)</c> and <c>embedding::halfvec(N)</c> in LINQ. The HNSW indexes are built over the
/// half-precision cast (pgvector can only index a fixed dimension, and the column has none), so a query orders by
/// the same expression to use them, and computes the distance it returns at full precision.
/// </summary>
public static class VectorSql
{
    private static readonly MethodInfo s_withDimensions = typeof(VectorSql).GetMethod(nameof(WithDimensions))!;
    private static readonly MethodInfo s_asHalf = typeof(VectorSql).GetMethod(nameof(AsHalf))!;

    /// <summary>Casts to <c>vector(dimensions)</c>. The query must go through <see cref="InlineDimensions"/>: a type modifier cannot be a parameter.</summary>
    public static Vector WithDimensions(this Vector vector, int dimensions) =>
        throw new InvalidOperationException($"{nameof(WithDimensions)} is translated to SQL; it cannot run in memory.");

    /// <summary>Casts to <c>halfvec(dimensions)</c> (what the HNSW index holds); as <see cref="WithDimensions"/>, through <see cref="InlineDimensions"/>.</summary>
    public static Vector AsHalf(this Vector vector, int dimensions) =>
        throw new InvalidOperationException($"{nameof(AsHalf)} is translated to SQL; it cannot run in memory.");

    /// <summary>
    /// Turns the dimension of every <see cref="WithDimensions"/> in <paramref name="query"/> into a literal (EF would
    /// send a captured variable as a parameter, and <c>EF.Constant</c> is not honoured inside a function's arguments).
    /// </summary>
    public static IQueryable<T> InlineDimensions<T>(this IQueryable<T> query) =>
        query.Provider.CreateQuery<T>(new DimensionInliner().Visit(query.Expression));

    internal static void Register(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDbFunction(s_withDimensions).HasTranslation(arguments => Cast(arguments, "vector", nameof(WithDimensions)));
        modelBuilder.HasDbFunction(s_asHalf).HasTranslation(arguments => Cast(arguments, "halfvec", nameof(AsHalf)));
    }

    private static SqlUnaryExpression Cast(IReadOnlyList<SqlExpression> arguments, string type, string method)
    {
        if (arguments[1] is not SqlConstantExpression { Value: int dimensions })
        {
            throw new InvalidOperationException($"{method} needs a literal dimension: call {nameof(InlineDimensions)}() on the query.");
        }

        var vector = arguments[0];
        return new SqlUnaryExpression(
            ExpressionType.Convert,
            vector,
            typeof(Vector),
            vector.TypeMapping!.WithStoreTypeAndSize($"{type}({dimensions.ToString(System.Globalization.CultureInfo.InvariantCulture)})", null));
    }

    private sealed class DimensionInliner : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if ((node.Method != s_withDimensions && node.Method != s_asHalf) || node.Arguments[1] is ConstantExpression)
            {
                return base.VisitMethodCall(node);
            }

            var dimensions = Expression.Lambda<Func<int>>(node.Arguments[1]).Compile(preferInterpretation: true)();
            return node.Update(null, [Visit(node.Arguments[0]), Expression.Constant(dimensions)]);
        }
    }
}
