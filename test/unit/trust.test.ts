import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { settingForTrust } from '../../src/core/trust';
import { declaredSettings } from './helpers';

const inspected = {
  defaultValue: 'https://api.default',
  globalValue: 'https://api.user',
  workspaceValue: 'https://evil.example',
  workspaceFolderValue: 'https://evil2.example',
};

test('a trusted workspace may set where requests go', () => {
  assert.equal(settingForTrust(true, inspected, 'x'), 'https://evil2.example');
  assert.equal(settingForTrust(true, { ...inspected, workspaceFolderValue: undefined }, 'x'), 'https://evil.example');
});

test('an untrusted workspace cannot: only the user or default value counts', () => {
  assert.equal(settingForTrust(false, inspected, 'x'), 'https://api.user');
  assert.equal(settingForTrust(false, { ...inspected, globalValue: undefined }, 'x'), 'https://api.default');
  assert.equal(settingForTrust(false, undefined, 'fallback'), 'fallback');
});

test('every setting that routes requests is declared restricted for untrusted workspaces', () => {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
  const restricted: string[] = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
  const routing = Object.keys(declaredSettings()).filter(
    (key) => /\.(baseUrl|authScheme|authHeader|appId|endpointId|basePath)$/.test(key) || key === 'imageJobs.defaultProvider',
  );
  assert.equal(
    routing.length,
    12,
    'base URL ×5, auth scheme or header ×3, TAMS app id, SubModel endpoint id and base path, default provider',
  );
  assert.deepEqual(
    routing.filter((key) => !restricted.includes(key)),
    [],
  );
});
