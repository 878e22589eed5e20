// The demo world for the portal's browser test: the demo source holder and the real gateway
// binary on free loopback ports, with the committed demo config (demo sign-in on) and a
// throwaway store. Everything is stopped by stop().
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

function waitFor(child, pattern, what, output) {
  return new Promise((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${output.text}`)), 20000);
    const onData = (chunk) => {
      output.text += chunk.toString();
      const m = output.text.match(pattern);
      if (m) {
        clearTimeout(timer);
        resolvePort(Number(m[1] ?? m[2]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${what} exited with ${code}:\n${output.text}`)); });
  });
}

export async function startWorld({ root, build, oidc }) {
  const dir = mkdtempSync(join(tmpdir(), 'bronpoort-portal-test-'));
  const children = [];
  const outputs = {};
  const start = async (name, cmd, args, pattern, env = {}) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    outputs[name] = { text: '' };
    const port = await waitFor(child, pattern, name, outputs[name]);
    child.removeAllListeners('exit');
    return port;
  };
  const stop = () => {
    for (const c of children.reverse()) if (c.exitCode === null) c.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const sourcePort = await start('demo source', join(build, 'bronpoort-demo-source'), ['--port', '0', '--persons', '500'],
      /listening on [0-9.]+:(\d+)/);
    const config = JSON.parse(readFileSync(join(root, 'config', 'gateway.json'), 'utf8'));
    const cfgDir = join(root, 'config');
    const abs = (p) => resolve(cfgDir, p);
    mkdirSync(join(dir, 'sources'));
    for (const f of readdirSync(join(cfgDir, 'sources'))) {
      const text = readFileSync(join(cfgDir, 'sources', f), 'utf8').replaceAll('http://127.0.0.1:8091', `http://127.0.0.1:${sourcePort}`);
      writeFileSync(join(dir, 'sources', f), text);
    }
    config.server.listeners = [{ address: '127.0.0.1', port: 0 }];
    config.identity.issuers = config.identity.issuers.map((i) => ({ ...i, jwks: abs(i.jwks) }));
    config.identity.demoIssuer.privateKey = abs(config.identity.demoIssuer.privateKey);
    config.sources.directory = join(dir, 'sources');
    config.sources.schemaDirectory = abs(config.sources.schemaDirectory);
    config.access.purposes = abs(config.access.purposes);
    config.store.path = join(dir, 'bronpoort.db');
    for (const k of ['pseudonymKeyFile', 'checkpointKeyFile', 'checkpointPublicKeyFile']) config.processingLog[k] = abs(config.processingLog[k]);
    config.linkage.directory = abs(config.linkage.directory);
    config.linkage.pseudonymKeyFile = abs(config.linkage.pseudonymKeyFile);
    config.portal.directory = abs(config.portal.directory);
    // A made-up provider; the browser test answers its endpoints itself (page.route).
    if (oidc) config.portal.oidc = oidc;
    copyFileSync(join(root, 'schemas', 'gateway.schema.json'), join(dir, 'gateway.schema.json'));
    delete config.$schema;
    writeFileSync(join(dir, 'gateway.json'), JSON.stringify(config, null, 2));
    const gatewayPort = await start('gateway', join(build, 'bronpoort'), ['serve', '--config', join(dir, 'gateway.json')],
      /"event":"listening".*?"port":(\d+)|"port":(\d+).*?"event":"listening"/, {
        BRONPOORT_DEBT_PG_DSN: 'host=127.0.0.1 port=1 dbname=unavailable user=debt_reader connect_timeout=1',
      });
    return { sourcePort, gatewayPort, base: `http://127.0.0.1:${gatewayPort}`, stop, outputs };
  } catch (err) {
    stop();
    throw err;
  }
}
