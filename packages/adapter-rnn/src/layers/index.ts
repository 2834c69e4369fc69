export { LSTM, type LstmOptions, type LstmOutput } from './lstm.ts';
export { GRU, type GruOptions } from './gru.ts';
export { LstmLayer, type LstmLayerRun } from './lstm-layer.ts';
export { GruLayer } from './gru-layer.ts';
export { RecurrentLayer, type DirectionStates, type LayerRun, type LayerShape, type StateNames } from './recurrent-layer.ts';
export { RecurrentStack, type RecurrentOutput, type RecurrentState } from './recurrent-stack.ts';
export { resolveRecurrentOptions, type RecurrentOptions, type ResolvedRecurrentOptions } from './options.ts';
export { zeroStates, type StateInput } from './states.ts';
