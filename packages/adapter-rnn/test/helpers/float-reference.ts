// Independent float64 references of one LSTM / GRU direction in plain TypeScript (no tfjs), for the
// float tests. Weights in the layer's layout: W [I, G·H] and U [H, G·H] (one direction's columns),
// gate order LSTM i, f, g, o; GRU z, r, n ("reset after").
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

export interface Direction {
  readonly w: Float32Array; // [I, G·H]
  readonly u: Float32Array; // [H, G·H]
  readonly b: Float32Array; // [G·H] (LSTM bias, GRU biasX)
  readonly bh?: Float32Array; // [G·H] (GRU biasH)
}

function project(x: ArrayLike<number>, m: ArrayLike<number>, rows: number, cols: number, bias: ArrayLike<number> | undefined): number[] {
  const out = new Array<number>(cols).fill(0);
  for (let n = 0; n < cols; n++) {
    let s = bias ? bias[n] : 0;
    for (let k = 0; k < rows; k++) s += x[k] * m[k * cols + n];
    out[n] = s;
  }
  return out;
}

/** One sequence x [T][I] through one direction; returns every step's h (time order) and the final h, c. */
export function lstmReference(x: number[][], d: Direction, hidden: number, reverse: boolean, h0?: number[], c0?: number[]) {
  const I = x[0].length;
  let h = h0 ?? new Array<number>(hidden).fill(0);
  let c = c0 ?? new Array<number>(hidden).fill(0);
  const ys: number[][] = new Array(x.length);
  for (let s = 0; s < x.length; s++) {
    const t = reverse ? x.length - 1 - s : s;
    const ax = project(x[t], d.w, I, 4 * hidden, d.b);
    const ah = project(h, d.u, hidden, 4 * hidden, undefined);
    const v = ax.map((a, n) => a + ah[n]);
    const nc = new Array<number>(hidden);
    const nh = new Array<number>(hidden);
    for (let j = 0; j < hidden; j++) {
      const i = sigmoid(v[j]);
      const f = sigmoid(v[hidden + j]);
      const g = Math.tanh(v[2 * hidden + j]);
      const o = sigmoid(v[3 * hidden + j]);
      nc[j] = f * c[j] + i * g;
      nh[j] = o * Math.tanh(nc[j]);
    }
    h = nh;
    c = nc;
    ys[t] = h;
  }
  return { ys, h, c };
}

export function gruReference(x: number[][], d: Direction, hidden: number, reverse: boolean, h0?: number[]) {
  const I = x[0].length;
  let h = h0 ?? new Array<number>(hidden).fill(0);
  const ys: number[][] = new Array(x.length);
  for (let s = 0; s < x.length; s++) {
    const t = reverse ? x.length - 1 - s : s;
    const px = project(x[t], d.w, I, 3 * hidden, d.b);
    const ph = project(h, d.u, hidden, 3 * hidden, d.bh);
    const nh = new Array<number>(hidden);
    for (let j = 0; j < hidden; j++) {
      const z = sigmoid(px[j] + ph[j]);
      const r = sigmoid(px[hidden + j] + ph[hidden + j]);
      const n = Math.tanh(px[2 * hidden + j] + r * ph[2 * hidden + j]);
      nh[j] = (1 - z) * n + z * h[j];
    }
    h = nh;
    ys[t] = h;
  }
  return { ys, h };
}

/** One direction's columns [d·G·H, (d+1)·G·H) of a [rows, D·G·H] matrix. */
export function directionColumns(m: Float32Array, rows: number, columns: number, directions: number, d: number): Float32Array {
  const per = columns / directions;
  const out = new Float32Array(rows * per);
  for (let r = 0; r < rows; r++) out.set(m.subarray(r * columns + d * per, r * columns + (d + 1) * per), r * per);
  return out;
}
