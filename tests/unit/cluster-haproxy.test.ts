import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LAYOUT, HEALTH_PATH, haproxyConfig } from '../../bin/cluster-haproxy.js';
import { checkHaproxyConfig, findHaproxy, repoRoot } from '../../bin/cluster-procs.js';

describe('the HAProxy configuration (issue 17)', () => {
  it('deploy/haproxy.cfg is what haproxyConfig makes for the default ports (npm run cluster -- --print-config)', () => {
    expect(fs.readFileSync(path.join(repoRoot, 'deploy/haproxy.cfg'), 'utf8')).toBe(haproxyConfig(DEFAULT_LAYOUT));
  });

  it('checks /api/v1/health, keeps a browser on one node by cookie, and tunnels websockets', () => {
    const text = haproxyConfig({ bind: { host: '127.0.0.1', port: 18080 }, nodes: [{ name: 'a', host: '10.0.0.1', port: 3000 }, { name: 'b', host: '10.0.0.2', port: 3000 }], statsPort: null });
    expect(text).toContain(`http-check send meth GET uri ${HEALTH_PATH}`);
    expect(text).toContain('cookie XIAOAN_NODE insert indirect nocache httponly');
    expect(text).toContain('timeout tunnel 1h');
    expect(text).toContain('server a 10.0.0.1:3000 cookie a');
    expect(text).toContain('server b 10.0.0.2:3000 cookie b');
    expect(text).not.toContain('listen stats');
  });

  it.runIf(findHaproxy() !== null)('is accepted by haproxy -c', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xiaoan-haproxy-')), 'haproxy.cfg');
    fs.writeFileSync(file, haproxyConfig({ ...DEFAULT_LAYOUT, bind: { host: '127.0.0.1', port: 18080 } }));
    expect(() => checkHaproxyConfig(findHaproxy()!, file)).not.toThrow();
  });
});
