// Ajv on the same schema and records as schema_validator_bench.cpp, parsing excluded.
// Run through tests/bench/ajv_bench.sh (it installs Ajv into a local directory).
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats');

const data = path.join(__dirname, 'data');
const schema = JSON.parse(fs.readFileSync(path.join(data, 'person-record.schema.json'), 'utf8'));
const records = fs.readFileSync(path.join(data, 'person-records.jsonl'), 'utf8')
  .split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));

const ajv = new Ajv2020({allErrors: false});
addFormats(ajv);
const validate = ajv.compile(schema);
for (const r of records) {
  if (!validate(r)) throw new Error('fixture record invalid: ' + JSON.stringify(validate.errors));
}

function run(seconds) {
  let n = 0;
  let ok = true;
  const end = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  while (process.hrtime.bigint() < end) {
    for (let i = 0; i < 1000; i++) ok = validate(records[(n + i) % records.length]) && ok;
    n += 1000;
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  if (!ok) throw new Error('validation failed');
  return n / elapsed;
}

run(1);  // JIT warm-up
const rates = [run(2), run(2), run(2)].sort((a, b) => a - b);
console.log(JSON.stringify({validator: 'ajv ' + require('ajv/package.json').version,
  node: process.version, records: records.length, validations_per_second: Math.round(rates[1]),
  ns_per_validation: Math.round(1e9 / rates[1])}));
