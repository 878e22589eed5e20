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

// Returns validations per second of wall time and of process CPU time (the machine may be shared,
// so CPU time is the fairer figure next to Google Benchmark's CPU column).
function run(seconds) {
  let n = 0;
  let ok = true;
  const end = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  while (process.hrtime.bigint() < end) {
    for (let i = 0; i < 1000; i++) ok = validate(records[(n + i) % records.length]) && ok;
    n += 1000;
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  if (!ok) throw new Error('validation failed');
  return {wall: n / elapsed, cpu: n / ((cpu.user + cpu.system) / 1e6)};
}

run(1);  // JIT warm-up
const runs = [run(3), run(3), run(3)];
const median = (key) => runs.map((r) => r[key]).sort((a, b) => a - b)[1];
console.log(JSON.stringify({validator: 'ajv ' + require('ajv/package.json').version,
  node: process.version, records: records.length,
  validations_per_cpu_second: Math.round(median('cpu')),
  cpu_ns_per_validation: Math.round(1e9 / median('cpu')),
  validations_per_wall_second: Math.round(median('wall')),
  wall_ns_per_validation: Math.round(1e9 / median('wall'))}));
