import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { float16ToFloat32, float32ToFloat16, OnnxModel, ortClock } from '../../src/diffusion/onnx-model.ts';

test('float16 conversion: exact values, rounding to nearest even, subnormals, infinities', () => {
  const cases: [number, number][] = [
    [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800], [65504, 0x7bff], [1e6, 0x7c00],
    [-Infinity, 0xfc00], [2 ** -24, 0x0001], [2 ** -14, 0x0400], [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02],
    [0.1, 0x2e66], [3.14159, 0x4248],
  ];
  const halves = float32ToFloat16(Float32Array.from(cases.map((c) => c[0])));
  cases.forEach(([v, bits], i) => assert.equal(halves[i], bits, `${v} -> 0x${halves[i].toString(16)}`));
  assert.ok(Number.isNaN(float16ToFloat32(float32ToFloat16(Float32Array.of(NaN)))[0]));
  const back = float16ToFloat32(Uint16Array.of(0x3c00, 0xc000, 0x0001, 0x7bff, 0x2e66));
  assert.deepEqual([...back], [1, -2, 2 ** -24, 65504, 0.0999755859375]);
});

test('a float16 graph takes float32 in and gives float32 out; int64 inputs accept plain numbers', async () => {
  const model = await OnnxModel.load(join(import.meta.dirname, '..', 'fixtures', 'models', 'fp16-add.onnx'), { threads: 1 });
  assert.equal(model.inputType('x'), 'float16');
  assert.equal(model.inputType('timestep'), 'int64');
  assert.equal(model.inputDim('timestep', 0), 1);
  assert.equal(model.inputDim('x', 0), undefined, 'dynamic axis');
  const runsBefore = ortClock.runs;
  const out = await model.run({ x: { data: Float32Array.of(1.5, -0.25, 100), dims: [3] }, timestep: { data: Float32Array.of(999), dims: [1] } });
  assert.deepEqual([...out.y.data], [3, -0.5, 200]);
  assert.deepEqual([...out.t_half.data], [999]);
  assert.equal(ortClock.runs, runsBefore + 1);
  await assert.rejects(model.run({ nope: { data: Float32Array.of(1), dims: [1] } }), /no input named nope/);
  await model.release();
});
