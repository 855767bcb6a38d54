import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TorchGenerator } from '../../src/diffusion/torch-random.ts';

// Reference values printed by PyTorch 1.13 (Debian python3-torch) on this machine:
//   torch.manual_seed(s); torch.randn(...).flatten().tolist()
function close(actual: Float32Array, expected: number[], tol = 2e-6): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) < tol, `[${i}] ${actual[i]} vs ${e}`));
}

test('small tensors follow torch\'s scalar Box-Muller path (seed 0, randn(2,3))', () => {
  close(new TorchGenerator(0).randn(6), [1.5409960746765137, -0.293428897857666, -2.1787893772125244,
    0.5684312582015991, -1.0845223665237427, -1.3985954523086548]);
});

test('16+ element tensors follow torch\'s 16-wide fill, remainder recomputed (seed 42, randn(20))', () => {
  close(new TorchGenerator(42).randn(20), [1.9269152879714966, 1.4872840642929077, 0.9007171988487244,
    -2.1055209636688232, -0.7581311464309692, 1.078317642211914, 0.8008005619049072, 1.680620551109314,
    0.3558599054813385, -0.6866229772567749, -0.4933563470840454, 0.2414877861738205, -0.2316243201494217,
    0.041759490966796875, -0.2515752911567688, 0.859858512878418, -0.3097267746925354, -0.3957104980945587,
    0.8034093379974365, -0.6215953826904297]);
});

test('seeds use their low 32 bits like torch.manual_seed', () => {
  close(new TorchGenerator(2 ** 32 + 7).randn(16), [-0.8201345205307007, 0.39563116431236267, 0.8989084959030151,
    -1.3884038925170898, -0.16699601709842682, 0.2851499617099762, -0.641091525554657, -0.8936554193496704,
    0.9265429973602295, -0.5355122089385986, -1.1597203016281128, -0.4601571559906006, 0.7085390686988831,
    1.0127553939819336, 0.23039686679840088, 1.090165138244629]);
  const tail = new TorchGenerator(123).randn(40).slice(-5);
  close(tail, [-1.7018303871154785, -0.7498023509979248, -1.1285172700881958, 0.4135102331638336, 0.2891692817211151]);
});

test('different seeds differ; the same seed repeats exactly', () => {
  assert.deepEqual(new TorchGenerator(5).randn(64), new TorchGenerator(5).randn(64));
  assert.notDeepEqual(new TorchGenerator(5).randn(64), new TorchGenerator(6).randn(64));
});
