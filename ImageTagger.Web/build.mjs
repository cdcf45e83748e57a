// Bundles the browser assets into wwwroot/lib (git-ignored): one ES module with Fluent UI Web Components,
// the Fluent theme tokens, htmx and our glue code. Run by the csproj before build and by `npm run build`.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';

mkdirSync('wwwroot/lib', { recursive: true });
await build({
  entryPoints: { app: 'Assets/app.js' },
  outdir: 'wwwroot/lib',
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome120', 'firefox120', 'safari17'],
  legalComments: 'linked',
  logLevel: 'warning',
});
