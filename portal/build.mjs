// Builds portal/dist from portal/src: copies the pages and scripts, and bundles the NL Design
// System CSS (the neutral "voorbeeld" theme's design tokens and the Utrecht component library,
// pinned in package-lock.json)
// with the portal's own layout into one style sheet. dist/ is committed so the gateway's C++
// build and the demo never need npm; `node build.mjs --check DIR` builds into DIR instead, so a
// test can compare it with the committed dist/.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const out = process.argv[2] === '--check' ? process.argv[3] : join(here, 'dist');

function packageFile(name, file) {
  const pkg = require.resolve(`${name}/package.json`);
  const version = JSON.parse(readFileSync(pkg, 'utf8')).version;
  return { text: readFileSync(join(dirname(pkg), file), 'utf8'), version };
}

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'css'), { recursive: true });
cpSync(join(here, 'src'), out, { recursive: true, filter: (p) => !p.endsWith('portal.css') });

const tokens = packageFile('@nl-design-system-unstable/voorbeeld-design-tokens', 'dist/theme.css');
const components = packageFile('@utrecht/component-library-css', 'dist/index.css');
const own = readFileSync(join(here, 'src', 'css', 'portal.css'), 'utf8');
const bundle = [
  `/* Bundled by portal/build.mjs: @nl-design-system-unstable/voorbeeld-design-tokens ${tokens.version}`,
  ` * and @utrecht/component-library-css ${components.version} (both EUPL-1.2, NL Design System), then`,
  ` * the portal's own layout. */`,
  tokens.text, components.text, own,
].join('\n');
writeFileSync(join(out, 'css', 'portal.css'), bundle);
console.log(`portal built into ${out}`);
