// A char LSTM calibrated (PTQ, W8A8) on the first 2·B·T characters of tiny-shakespeare's training text.
import * as tf from '@tensorflow/tfjs-core';
import { calibrate, prepare } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { charLstm, type CharLstm, type CharLstmOptions } from '@qatjs/adapter-rnn';
import type { loadTinyShakespeare } from '@qatjs/datasets';

export async function calibratedCharLstm(corpus: Awaited<ReturnType<typeof loadTinyShakespeare>>, batch: number, steps: number, options: Omit<CharLstmOptions, 'vocab'>): Promise<CharLstm> {
  const m = charLstm({ vocab: corpus.vocab, ...options });
  prepare(m, 'w8a8', { onWarning: () => {} });
  const calib = [0, 1].map((k) => tf.tensor2d(corpus.train.slice(k * batch * steps, (k + 1) * batch * steps), [batch, steps], 'int32'));
  await calibrate(m, calib);
  tf.dispose(calib);
  m.eval();
  return m;
}
