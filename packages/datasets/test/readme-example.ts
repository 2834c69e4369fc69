import { loadMnist, firstKPerClass, batches, loadTinyShakespeare } from '@qatjs/datasets';

const train = await loadMnist({ split: 'train' });          // x: Float32Array, shape [10000, 28, 28, 1]
const test = await loadMnist({ split: 'test', limit: 1000 });
console.log(train.shape, test.shape, train.y.slice(0, 10)); // [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]

// A balanced calibration set for post-training quantization: the first 10 images of each digit.
const calibration = firstKPerClass(train, 10);
console.log(calibration.shape);                              // [100, 28, 28, 1]

// Shuffled mini-batches: the same for a seed on every runtime; each epoch gets its own order.
for (let epoch = 0; epoch < 2; epoch++) {
  let seen = 0;
  for (const { shape } of batches(train, { batchSize: 64, seed: 42, epoch })) {
    seen += shape[0]!;                                       // with tfjs: tf.tensor(x, shape), tf.tensor1d(y, 'int32')
  }
  console.log(`epoch ${epoch}: ${seen} samples`);            // 10000: the last partial batch is kept
}

// Character-level language modelling.
const corpus = await loadTinyShakespeare();
console.log(corpus.vocabSize, corpus.train.length, corpus.validation.length); // 65 1003854 111540
const [batch] = corpus.randomWindows({ split: 'train', seqLen: 32, batchSize: 4, seed: 1, steps: 1 });
console.log(batch.shape, JSON.stringify(corpus.decode(batch.x.subarray(0, 32)))); // [4, 32] "..."
