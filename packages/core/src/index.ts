// @qatjs/core: the public API. Importing it registers tfjs's gradients and our fake-quantize kernels.
import './backend/register-gradients.ts';

export { initBackend, type BackendName } from './backend/init-backend.ts';
export { QatjsError, QuantizerOptionError, RecipeError, NonFiniteError, describeValue } from './util/errors.ts';
export { roundHalfEven } from './util/round.ts';
export { option, readOptions, type OptionSpec } from './util/options.ts';

export { qrange, validateQuantSpec, MIN_BITS, MAX_BITS, type QuantSpec, type QRange } from './spec/quant-spec.ts';

export { fakeQuantize, fakeQuantizeWithOps, isTensor, type FakeQuantizeOptions } from './ops/fake-quantize.ts';
export { roundSTE, floorSTE, gradScale } from './ops/ste.ts';

export type { Observer, ObserverPlugin, ObserverContext, ObserverState, ObservedRange } from './observers/observer.ts';
export { registerObserver, listObservers, resolveObserver, createObserver, type ObserverChoice, type ObserverConfig } from './observers/registry.ts';
export { RangeObserver } from './observers/range-observer.ts';
export { quantizationError } from './observers/mse.ts';
export { qparamsFromRange, MIN_SCALE, type QParams } from './observers/qparams.ts';

export type { QuantRole, QuantPoint, QuantPointDecl, QuantizeContext, PointInheritance } from './quantizer/quant-point.ts';
export type { Quantizer, QuantizerPlugin, QuantizerState, JsonValue } from './quantizer/quantizer.ts';
export { registerQuantizer, unregisterQuantizer, listQuantizers, getQuantizerPlugin, createQuantizer, validateQuantizerOptions } from './quantizer/registry.ts';
export { commonOptions, specForPoint, type CommonOptions } from './quantizer/common-options.ts';
export { ObservedQuantizer } from './quantizer/observed-quantizer.ts';
export { powerOfTwoCeil } from './quantizer/power-of-two.ts';
export { observedQuantizerPlugin, type ObservedPluginDefinition, type ObservedPluginOptions } from './quantizer/observed-plugin.ts';
export { atPoint } from './quantizer/at-point.ts';
export { gridOf, passGrid, fakeQuantizeBias, type TensorGrid } from './quantizer/tensor-grid.ts';

export { Module, Sequential, type ModuleOutput, type NamedTensors } from './module/module.ts';
export type { QuantController } from './module/quant-controller.ts';

export { compose, type Recipe, type RecipeRule, type PointConfig, type Schedule } from './recipe/recipe.ts';
export { parseRecipe } from './recipe/parse-recipe.ts';
export { getPreset, listPresets, type PresetOptions } from './recipe/presets.ts';

export { prepare, unprepare, type PrepareOptions, type PrepareReport, type PreparedPoint, type PreparedLayer } from './prepare.ts';
export { calibrate, applySchedule, type CalibrateOptions, type CalibrationReport, type CalibrationBatch } from './calibrate.ts';

export { fit, FitStoppedError, type FitOptions, type FitResult, type FitProgress, type FitBatch, type LossFunction } from './train/fit.ts';
export { clipGlobalNorm } from './train/clip-global-norm.ts';
export { type OptimizerConfig } from './train/optimizers.ts';
export { learningRateAt, type LearningRateSchedule } from './train/learning-rate.ts';
export { CheckpointError, encodeCheckpoint, decodeCheckpoint, type Checkpoint, type CheckpointProgress, type TensorData } from './train/checkpoint-format.ts';
export { memoryCheckpointStore, fileCheckpointStore, type CheckpointStore } from './train/checkpoint-store.ts';
export { captureModel, checkModelState, restoreModel, type ModelState } from './train/model-state.ts';
export { listCheckpoints, type StoredCheckpoint } from './train/checkpoint-names.ts';

export { evaluate, predict, scoreLogits, type Metric, type EvaluateOptions, type Evaluation, type LogitsFunction } from './eval/evaluate.ts';
export { compareLogits, type CompareLogitsOptions, type LogitComparison } from './eval/compare-logits.ts';

export { convert, type ConvertOptions } from './convert/convert.ts';
export type { GraphInput } from './convert/graph-inputs.ts';
export {
  LoweringContext,
  ConvertError,
  isLoweredValue,
  type Lowerable,
  type LoweredValue,
  type LoweredOutput,
  type LoweredOf,
  type NamedLoweredValues,
} from './convert/lowering-context.ts';
