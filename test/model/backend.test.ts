import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { describeBackend, hasTfjsNode, initBackend } from '../../src/model/backend';
import { parseEngineKind, resolveEngineKind } from '../../src/model/engines';

function withEnv<T>(name: string, value: string | undefined, fn: () => T): T {
  const old = process.env[name];
  if (value === undefined) delete process.env[name]; else process.env[name] = value;
  try { return fn(); } finally { if (old === undefined) delete process.env[name]; else process.env[name] = old; }
}

test('initBackend picks the fastest backend that loads; a missing tfjs-node is not an error', async () => {
  const old = process.env.ICL_BACKEND;
  delete process.env.ICL_BACKEND;
  try {
    const name = await initBackend();
    assert.equal(tf.getBackend(), name);
    if (!hasTfjsNode()) {
      assert.equal(name, 'wasm');
      assert.match(describeBackend(), /backend=wasm \(SIMD, 1 thread, skipped tensorflow: @tensorflow\/tfjs-node is not installed\); engine=/);
    }
  } finally {
    if (old !== undefined) process.env.ICL_BACKEND = old;
  }
});

test('ICL_BACKEND forces a backend; an unknown or unloadable one is a clear error', async () => {
  const old = process.env.ICL_BACKEND;
  try {
    process.env.ICL_BACKEND = 'cpu';
    assert.equal(await initBackend(), 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
    process.env.ICL_BACKEND = 'gpu';
    await assert.rejects(initBackend(), /ICL_BACKEND: unknown tfjs backend 'gpu' \(allowed: tensorflow, wasm, cpu\)/);
    if (!hasTfjsNode()) {
      await assert.rejects(initBackend('tensorflow'), /'tensorflow' was requested \(argument\) but cannot load: @tensorflow\/tfjs-node is not installed/);
    }
  } finally {
    if (old === undefined) delete process.env.ICL_BACKEND; else process.env.ICL_BACKEND = old;
    await initBackend();
  }
});

test('ICL_ENGINE forces an engine and rejects unknown names', () => {
  assert.equal(withEnv('ICL_ENGINE', 'js', () => resolveEngineKind()), 'js');
  assert.equal(withEnv('ICL_ENGINE', 'tfjs', () => resolveEngineKind()), 'tfjs');
  assert.equal(withEnv('ICL_ENGINE', 'tfjs', () => resolveEngineKind('js')), 'js', 'an explicit option beats the variable');
  assert.throws(() => withEnv('ICL_ENGINE', 'cuda', () => resolveEngineKind()), /ICL_ENGINE: unknown engine 'cuda' \(allowed: native, blas, wasm-simd, js, tfjs\)/);
  assert.throws(() => parseEngineKind('x', '--engine'), /--engine: unknown engine 'x'/);
});
