// npm run plots: renders docs/plots/*.svg from benchmarks/results/*.json.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { accuracyPlot } from './plots/accuracy-plot.ts';
import { gemmPlot } from './plots/gemm-plot.ts';
import { renderSvg } from './plots/render.ts';
import { RESULTS_DIR, type Results } from './results.ts';

async function results(name: string): Promise<Results | undefined> {
  try {
    return JSON.parse(await readFile(join(RESULTS_DIR, `${name}.json`), 'utf8')) as Results;
  } catch {
    console.log(`(no ${name}.json yet: skipped)`);
    return undefined;
  }
}

const mnist = await results('accuracy-mnist-cnn');
if (mnist) {
  console.log(await renderSvg('accuracy-mnist-lenet-bn', accuracyPlot('MNIST, LeNet-BN: test accuracy against bit width (3 seeds)', mnist.rows, 'lenet-bn')));
  console.log(await renderSvg('accuracy-mnist-residual-cnn', accuracyPlot('MNIST, residual CNN: test accuracy against bit width (3 seeds)', mnist.rows, 'residual-cnn')));
}
const digits = await results('accuracy-digits-mlp');
if (digits) console.log(await renderSvg('accuracy-digits-mlp', accuracyPlot('sklearn digits, MLP at 2 bits (3 seeds)', digits.rows, 'mlp-64-64-32-10')));
const gemm = await results('gemm');
if (gemm) console.log(await renderSvg('gemm', gemmPlot(gemm.rows)));
