// @qatjs/cli: the qat command as a library (tests, embedding): main(argv, io), and the model registry
// that the RNN and transformer adapters add their models to.
export { main, VERSION } from './main.ts';
export { CliError, EXIT, type ExitCode } from './errors.ts';
export { registerModel, listModels, getModel, type ModelEntry, type ModelShape } from './models/registry.ts';
export { parseDataSpec, formatDataSpec, type DataSpec } from './data/spec.ts';
export { loadData, type Data, type ClassificationData, type TextData, type Task } from './data/load.ts';
export type { Io } from './platform.ts';
