// Writes a seed corpus for schema_validator_fuzz from the JSON-Schema-Test-Suite and the 2020-12
// cases: one file per (schema, instance) pair, "<schema>\n<instance>".
// Usage: node tests/fuzz/schema_seed_corpus.js OUT_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const out = process.argv[2];
if (!out) throw new Error('usage: schema_seed_corpus.js OUT_DIR');
fs.mkdirSync(out, {recursive: true});
const roots = ['/usr/share/json-schema-test-suite/tests/draft7',
  path.join(__dirname, '../unit/schema/data')];
let n = 0;
function walk(dir) {
  if (!fs.existsSync(dir)) return;
  for (const name of fs.readdirSync(dir)) {
    const p = path.join(dir, name);
    if (fs.statSync(p).isDirectory()) { walk(p); continue; }
    if (!name.endsWith('.json')) continue;
    const groups = JSON.parse(fs.readFileSync(p, 'utf8'));
    // Test-case files are arrays of groups; the suites' remote schemas and manifests are not.
    if (!Array.isArray(groups)) continue;
    for (const group of groups) {
      if (!group || !Array.isArray(group.tests)) continue;
      for (const test of group.tests) {
        fs.writeFileSync(path.join(out, 'seed' + (n++)),
          JSON.stringify(group.schema) + '\n' + JSON.stringify(test.data));
      }
    }
  }
}
roots.forEach(walk);
console.log('wrote ' + n + ' seeds to ' + out);
