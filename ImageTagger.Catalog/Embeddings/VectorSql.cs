using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query.SqlExpressions;
using Pgvector;

namespace ImageTagger.Catalog.Embeddings;

/// <summary>
/// <c>embedding::vector(N)</c> in LINQ. The HNSW indexes are built over exactly that cast (pgvector can only
/// index a fixed dimension, and the column has none), so a query orders by the same expression to use them.
/// </summary>
public static class VectorSql
{
    private static readonly MethodInfo s_withDimensions = typeof(VectorSql).GetMethod(nameof(WithDimensions))!;

    /// <summary>Casts to <c>vector(dimensions)</c>. The query must go through <see cref="InlineDimensions"/>: a type modifier cannot be a parameter.</summary>
    public static Vector WithDimensions(this Vector vector, int dimensions) =>
        throw new InvalidOperationException($"{nameof(WithDimensions)} is translated to SQL; it cannot run in memory.");

    /// <summary>
    /// Turns the dimension of every <see cref="WithDimensions"/> in <paramref name="query"/> into a literal (EF would
    /// send a captured variable as a parameter, and <c>EF.Constant</c> is not honoured inside a function's arguments).
    /// </summary>
    public static IQueryable<T> InlineDimensions<T>(this IQueryable<T> query) =>
        query.Provider.CreateQuery<T>(new DimensionInliner().Visit(query.Expression));

    internal static void Register(ModelBuilder modelBuilder) =>
        modelBuilder.HasDbFunction(s_withDimensions)
            .HasTranslation(arguments =>
            {
                if (arguments[1] is not SqlConstantExpression { Value: int dimensions })
                {
                    throw new InvalidOperationException($"{nameof(WithDimensions)} needs a literal dimension: call {nameof(InlineDimensions)}() on the query.");
                }

                var vector = arguments[0];
                return new SqlUnaryExpression(
                    ExpressionType.Convert,
                    vector,
                    typeof(Vector),
                    vector.TypeMapping!.WithStoreTypeAndSize($"vector({dimensions.ToString(System.Globalization.CultureInfo.InvariantCulture)})", null));
            });

    private sealed class DimensionInliner : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (node.Method != s_withDimensions || node.Arguments[1] is ConstantExpression)
            {
                return base.VisitMethodCall(node);
            }

            var dimensions = Expression.Lambda<Func<int>>(node.Arguments[1]).Compile(preferInterpretation: true)();
            return node.Update(null, [Visit(node.Arguments[0]), Expression.Constant(dimensions)]);
        }
    }
}
