import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { PROJECT_ROOT, projectRelative } from '../src/paths';

test('projectRelative: inside the project relative to its root; outside, and the root itself, as given', () => {
  assert.ok(existsSync(join(PROJECT_ROOT, 'package.json')), `${PROJECT_ROOT} holds package.json`);
  assert.equal(projectRelative(join(PROJECT_ROOT, 'build', 'libgru.so')), join('build', 'libgru.so'));
  assert.equal(projectRelative(join(tmpdir(), 'libgru.so')), join(tmpdir(), 'libgru.so'));
  assert.equal(projectRelative(PROJECT_ROOT), PROJECT_ROOT);
  assert.equal(projectRelative(join(PROJECT_ROOT, '..', 'sibling')), join(PROJECT_ROOT, '..', 'sibling'));
});
