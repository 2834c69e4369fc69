export { LSTM, type LstmOptions, type LstmOutput } from './lstm.ts';
export { GRU, type GruOptions } from './gru.ts';
export { LstmLayer, type LstmLayerRun } from './lstm-layer.ts';
export { GruLayer } from './gru-layer.ts';
export { RecurrentLayer, type LayerRun, type LayerShape } from './recurrent-layer.ts';
export { RecurrentStack, type RecurrentOutput, type RecurrentState } from './recurrent-stack.ts';
export { resolveRecurrentOptions, type RecurrentOptions, type ResolvedRecurrentOptions } from './options.ts';
