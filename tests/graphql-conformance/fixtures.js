// Data and resolvers shared by the conformance tests; the C# side implements the same behaviour.
'use strict';

const authors = [
  { __typename: 'Author', id: 'a1', name: 'Ursula', rating: 4.5 },
  { __typename: 'Author', id: 'a2', name: 'Isaac', rating: null },
];
const books = [
  { __typename: 'Book', id: 'b1', name: 'Earthsea', year: 1968, published: '1968-11-01T00:00:00Z', genre: 'FICTION', authorId: 'a1', tags: ['magic', 'sea'] },
  { __typename: 'Book', id: 'b2', name: 'Foundation', year: 1951, published: '1951-05-01T00:00:00Z', genre: 'FICTION', authorId: 'a2', tags: null },
  { __typename: 'Book', id: 'b3', name: 'Robots', year: 1950, published: null, genre: 'SCIENCE', authorId: 'a2', tags: [] },
];

function withRelations(b) {
  return { ...b, author: () => withAuthor(authors.find((a) => a.id === b.authorId)) };
}
function withAuthor(a) {
  return {
    ...a,
    books: ({ first, genre }) =>
      books.filter((b) => b.authorId === a.id && (genre == null || b.genre === genre)).slice(0, first).map(withRelations),
  };
}

const library = {
  root: () => ({
    node: ({ id }) => {
      const a = authors.find((x) => x.id === id);
      if (a) return withAuthor(a);
      const b = books.find((x) => x.id === id);
      return b ? withRelations(b) : null;
    },
    authors: () => authors.map(withAuthor),
    books: ({ filter }) =>
      books
        .filter((b) => !filter || filter.genre == null || b.genre === filter.genre)
        .filter((b) => !filter || filter.minYear == null || b.year >= filter.minYear)
        .map(withRelations),
    search: ({ text }) => [
      ...authors.filter((a) => a.name.toLowerCase().includes(text.toLowerCase())).map(withAuthor),
      ...books.filter((b) => b.name.toLowerCase().includes(text.toLowerCase())).map(withRelations),
    ],
    book: ({ ref }) => {
      const b = books.find((x) => (ref.id != null ? x.id === ref.id : x.name === ref.name));
      return b ? withRelations(b) : null;
    },
    echo: (args) => JSON.stringify(args),
    fail: () => {
      throw new Error('boom');
    },
    failNonNull: () => null,
    nested: () => ({ failNonNull: () => null, value: 7 }),
    addBook: ({ name, genre }) => withRelations({ __typename: 'Book', id: 'b' + name.length, name, year: 2024, published: null, genre, authorId: 'a1', tags: null }),
    increment: (() => {
      let n = 0;
      return () => ++n;
    })(),
  }),
  fieldResolver: undefined,
  typeResolver: undefined,
};

module.exports = { library };
