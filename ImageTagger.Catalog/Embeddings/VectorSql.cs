using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query.SqlExpressions;
using Pgvector;

namespace ImageTagger.Catalog.Embeddings;

/// <summary>
/// <c>x::halfvec(N)</c> in LINQ. The HNSW indexes are built over that cast of the column (pgvector can only index a
/// fixed dimension, and the column has none), so a query orders by the same expression to use them.
/// </summary>
public static class VectorSql
{
    private static readonly MethodInfo s_columnAsHalf = typeof(VectorSql).GetMethod(nameof(AsHalf), [typeof(HalfVector), typeof(int)])!;
    private static readonly MethodInfo s_queryAsHalf = typeof(VectorSql).GetMethod(nameof(AsHalf), [typeof(Vector), typeof(int)])!;

    /// <summary>Casts to <c>halfvec(dimensions)</c> (what the HNSW index holds). The query must go through <see cref="InlineDimensions"/>: a type modifier cannot be a parameter.</summary>
    public static HalfVector AsHalf(this HalfVector vector, int dimensions) =>
        throw new InvalidOperationException($"{nameof(AsHalf)} is translated to SQL; it cannot run in memory.");

    /// <summary>The query vector as <c>halfvec(dimensions)</c>, to compare with <see cref="AsHalf(HalfVector, int)"/>.</summary>
    public static HalfVector AsHalf(this Vector vector, int dimensions) =>
        throw new InvalidOperationException($"{nameof(AsHalf)} is translated to SQL; it cannot run in memory.");

    /// <summary>
    /// Turns the dimension of every <see cref="AsHalf(HalfVector, int)"/> in <paramref name="query"/> into a literal (EF
    /// would send a captured variable as a parameter, and <c>EF.Constant</c> is not honoured inside a function's arguments).
    /// </summary>
    public static IQueryable<T> InlineDimensions<T>(this IQueryable<T> query) =>
        query.Provider.CreateQuery<T>(new DimensionInliner().Visit(query.Expression));

    internal static void Register(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDbFunction(s_columnAsHalf).HasTranslation(Cast);
        modelBuilder.HasDbFunction(s_queryAsHalf).HasTranslation(Cast);
    }

    private static SqlUnaryExpression Cast(IReadOnlyList<SqlExpression> arguments)
    {
        if (arguments[1] is not SqlConstantExpression { Value: int dimensions })
        {
            throw new InvalidOperationException($"{nameof(AsHalf)} needs a literal dimension: call {nameof(InlineDimensions)}() on the query.");
        }

        var vector = arguments[0];
        return new SqlUnaryExpression(
            ExpressionType.Convert,
            vector,
            typeof(HalfVector),
            vector.TypeMapping!.WithStoreTypeAndSize($"halfvec({dimensions.ToString(System.Globalization.CultureInfo.InvariantCulture)})", null));
    }

    private sealed class DimensionInliner : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if ((node.Method != s_columnAsHalf && node.Method != s_queryAsHalf) || node.Arguments[1] is ConstantExpression)
            {
                return base.VisitMethodCall(node);
            }

            var dimensions = Expression.Lambda<Func<int>>(node.Arguments[1]).Compile(preferInterpretation: true)();
            return node.Update(null, [Visit(node.Arguments[0]), Expression.Constant(dimensions)]);
        }
    }
}
