import { describe, expect, it } from 'vitest';
import { makeQuant, packCodes, validateModel } from '@qatjs/ir';
import { buildSmall } from './fixtures/small.ts';
import { expectModelError, mutableCopy, type Mutable } from './helpers.ts';

interface Case {
  readonly rule: string;
  readonly breakIt: (m: Mutable) => void;
  readonly field: string | RegExp;
  readonly message: RegExp;
}

const cases: Case[] = [
  // structure
  { rule: 'the model is an object', breakIt: (m) => { m.nodes = 'x'; }, field: 'nodes', message: /must be an array/ },
  { rule: 'version is 1', breakIt: (m) => { m.version = 2; }, field: 'version', message: /version 1, got 2/ },
  { rule: 'no unknown top-level fields', breakIt: (m) => { m.extra = 1; }, field: 'model.extra', message: /unknown field/ },
  { rule: 'no unknown fields in a value', breakIt: (m) => { m.values[1].layout = 'nhwc'; }, field: 'values[1].layout', message: /unknown field/ },
  { rule: 'names are non-empty strings', breakIt: (m) => { m.values[0].name = ''; }, field: 'values[0].name', message: /non-empty string/ },
  { rule: 'metadata keys are plain', breakIt: (m) => { m.metadata = JSON.parse('{"__proto__": "x"}'); }, field: 'metadata.__proto__', message: /not __proto__/ },
  { rule: 'metadata values are strings', breakIt: (m) => { m.metadata = { producer: 3 }; }, field: 'metadata.producer', message: /must be a string/ },
  // op kinds, arity, attrs
  { rule: 'op kinds are known', breakIt: (m) => { m.nodes[1].op = 'conv3d'; }, field: 'nodes[1].op', message: /unknown op "conv3d" \(known: quantize, /s },
  { rule: 'arity: too few inputs', breakIt: (m) => { m.nodes[1].inputs = ['xq']; }, field: 'nodes[1].inputs', message: /conv2d takes 2 to 3 inputs \(x, w, b\), got 1/ },
  { rule: 'arity: too many inputs', breakIt: (m) => { m.nodes[0].inputs = ['x', 'x']; }, field: 'nodes[0].inputs', message: /quantize takes 1 inputs/ },
  { rule: 'arity: output count', breakIt: (m) => { m.nodes[5].outputs = []; }, field: 'nodes[5].outputs', message: /has 1 output\(s\), got 0/ },
  { rule: 'attrs: no unknown attribute', breakIt: (m) => { m.nodes[1].attrs.padding = 'same'; }, field: 'nodes[1].attrs.padding', message: /conv2d has no attribute "padding"/ },
  { rule: 'attrs: every attribute present', breakIt: (m) => { delete m.nodes[1].attrs.strides; }, field: 'nodes[1].attrs.strides', message: /needs attribute strides/ },
  { rule: 'attrs: integer lists in range', breakIt: (m) => { m.nodes[1].attrs.strides = [0, 1]; }, field: 'nodes[1].attrs.strides', message: /list of 2 integers in 1\.\.65536/ },
  { rule: 'attrs: list length', breakIt: (m) => { m.nodes[1].attrs.pads = [1, 1]; }, field: 'nodes[1].attrs.pads', message: /list of 4 integers/ },
  { rule: 'attrs: integer type', breakIt: (m) => { m.nodes[1].attrs.groups = 1.5; }, field: 'nodes[1].attrs.groups', message: /an integer in 1\.\./ },
  { rule: 'attrs: clamp lo <= hi', breakIt: (m) => { m.nodes[1].attrs.clamp = [5, 4]; }, field: 'nodes[1].attrs.clamp', message: /lo <= hi/ },
  { rule: 'attrs: clamp inside the output grid', breakIt: (m) => { m.nodes[1].attrs.clamp = [-129, 127]; }, field: 'nodes[1].attrs.clamp', message: /leaves the int8 grid -128\.\.127/ },
  { rule: 'attrs: groups divide the channels', breakIt: (m) => { m.nodes[1].attrs.groups = 3; }, field: 'nodes[1].attrs.groups', message: /3 groups must divide Cin 2 and Cout 4/ },
  { rule: 'attrs: weights match groups', breakIt: (m) => { m.nodes[1].attrs.groups = 2; }, field: 'nodes[1].inputs[1]', message: /2 input channels per group; x has 2 channels in 2 groups/ },
  { rule: 'attrs: the window fits', breakIt: (m) => { m.nodes[1].attrs.dilations = [5, 5]; }, field: 'nodes[1].attrs', message: /does not fit input/ },
  { rule: 'attrs: pool pads smaller than the kernel', breakIt: (m) => { m.nodes[2].attrs.pads = [2, 0, 0, 0]; }, field: 'nodes[2].attrs.pads', message: /smaller than the kernel 2x2/ },
  // dtypes and kinds of inputs
  { rule: 'input dtypes', breakIt: (m) => { m.nodes[1].inputs[0] = 'x'; }, field: 'nodes[1].inputs[0]', message: /input x must be int8 or uint8; 'x' is float32/ },
  { rule: 'output dtypes', breakIt: (m) => { m.values[6].dtype = 'int8'; m.values[6].quant = makeQuant({ scale: 1 }); }, field: 'nodes[5].outputs[0]', message: /output y must be float32; 'y' is int8/ },
  { rule: 'weights are constants', breakIt: (m) => { m.nodes[1].inputs[1] = 'xq'; }, field: 'nodes[1].inputs[1]', message: /input w must be a constant; 'xq' is computed at run time/ },
  { rule: 'activations are not constants', breakIt: (m) => { m.nodes[2].inputs[0] = 'conv.w'; }, field: 'nodes[2].inputs[0]', message: /input x must be a value; 'conv.w' is a constant/ },
  { rule: 'weight dtypes', breakIt: (m) => { m.constants[0].dtype = 'uint8'; m.constants[0].data = new Uint8Array(72); }, field: 'nodes[1].inputs[1]', message: /must be int8 or int4 or int2; 'conv.w' is uint8/ },
  // shapes
  { rule: 'declared shape equals the inferred one', breakIt: (m) => { m.values[2].shape = [-1, 8, 8, 5]; }, field: 'nodes[1].outputs[0]', message: /'conv' is declared \[-1, 8, 8, 5\] but conv2d gives \[-1, 8, 8, 4\]/ },
  { rule: 'shapes flow: the consumer sees the declared shape', breakIt: (m) => { m.values[4].shape = [-1, 63]; }, field: 'nodes[3].outputs[0]', message: /declared \[-1, 63\] but flatten gives \[-1, 64\]/ },
  { rule: 'rank of conv input', breakIt: (m) => { m.nodes[1].inputs[0] = 'flat'; }, field: /nodes\[1\]\.inputs\[0\]/, message: /not defined before|must be rank 4/ },
  { rule: 'gemm inner dims agree', breakIt: (m) => { m.constants[2].shape = [32, 6]; }, field: 'nodes[4].inputs[1]', message: /have K = 32; x 'flat' has K = 64/ },
  { rule: '-1 only at dim 0', breakIt: (m) => { m.values[0].shape = [1, -1, 8, 2]; }, field: 'values[0].shape[1]', message: /-1 at dim 0/ },
  { rule: 'constants have static shapes', breakIt: (m) => { m.constants[1].shape = [-1]; }, field: 'constants[1].shape[0]', message: /integer >= 1, got -1/ },
  { rule: 'dims are integers', breakIt: (m) => { m.values[0].shape = [-1, 8.5, 8, 2]; }, field: 'values[0].shape[1]', message: /got 8\.5/ },
  { rule: 'rank is capped', breakIt: (m) => { m.values[0].shape = new Array(9).fill(1); }, field: 'values[0].shape', message: /more than the limit 8/ },
  { rule: 'element count is capped', breakIt: (m) => { m.values[0].shape = [-1, 65536, 65536, 2]; }, field: 'values[0].shape', message: /more than the limit 2147483647/ },
  // definition order and names
  { rule: 'inputs are defined before use', breakIt: (m) => { [m.nodes[1], m.nodes[2]] = [m.nodes[2], m.nodes[1]]; }, field: 'nodes[1].inputs[0]', message: /'conv' is not defined before this node/ },
  { rule: 'no duplicate tensor names', breakIt: (m) => { m.constants[3].name = 'fc'; }, field: 'constants[3].name', message: /duplicate tensor name 'fc'/ },
  { rule: 'no duplicate node names', breakIt: (m) => { m.nodes[2].name = m.nodes[1].name; }, field: 'nodes[2].name', message: /duplicate node name/ },
  { rule: 'a value is produced once', breakIt: (m) => { m.nodes[2].outputs = ['conv']; }, field: 'nodes[2].outputs[0]', message: /'conv' is already defined/ },
  { rule: 'graph inputs are not produced by nodes', breakIt: (m) => { m.nodes[0].outputs = ['x']; }, field: 'nodes[0].outputs[0]', message: /'x' is already defined/ },
  { rule: 'node outputs are declared values', breakIt: (m) => { m.nodes[5].outputs = ['z']; }, field: 'nodes[5].outputs[0]', message: /'z' is not a declared value/ },
  { rule: 'every declared value is defined', breakIt: (m) => { m.values.push({ name: 'orphan', dtype: 'float32', shape: [1] }); }, field: 'values[7]', message: /neither a graph input nor produced/ },
  { rule: 'graph outputs are declared values', breakIt: (m) => { m.outputs = ['conv.w']; }, field: 'outputs[0]', message: /'conv.w' is not a declared value/ },
  { rule: 'graph outputs are listed once', breakIt: (m) => { m.outputs = ['y', 'y']; }, field: 'outputs[1]', message: /listed twice/ },
  { rule: 'a model has outputs', breakIt: (m) => { m.outputs = []; }, field: 'outputs', message: /at least one output/ },
  { rule: 'graph inputs are declared values', breakIt: (m) => { m.inputs = ['nope']; }, field: 'inputs[0]', message: /'nope' is not a declared value/ },
  { rule: 'a model has inputs', breakIt: (m) => { m.inputs = []; }, field: 'inputs', message: /at least one input/ },
  // constants' data
  { rule: 'data length = shape x dtype', breakIt: (m) => { m.constants[0].data = new Int8Array(71); }, field: 'constants[0].data', message: /72 int8 elements take 72 array elements, got 71/ },
  { rule: 'data class matches the dtype', breakIt: (m) => { m.constants[1].data = new Float32Array(4); }, field: 'constants[1].data', message: /int32 data must be a Int32Array/ },
  { rule: 'packed int4 length', breakIt: (m) => { m.constants[0].dtype = 'int4'; m.constants[0].quant.bits = 4; m.constants[0].data = new Uint8Array(35); }, field: 'constants[0].data', message: /72 int4 elements take 36 array elements, got 35/ },
  { rule: 'packed int2 length', breakIt: (m) => { m.constants[0].dtype = 'int2'; m.constants[0].quant.bits = 2; m.constants[0].data = new Uint8Array(19); }, field: 'constants[0].data', message: /72 int2 elements take 18 array elements, got 19/ },
  {
    rule: 'packed padding bits are zero',
    breakIt: (m) => { m.constants[3] = { ...m.constants[3] }; m.constants.push({ name: 'odd', dtype: 'int4', shape: [3], quant: makeQuant({ scale: 1, bits: 4 }), data: Uint8Array.of(0x21, 0x13) }); },
    field: 'constants[4].data[1]', message: /unused high bits of the last int4 byte must be zero/,
  },
  { rule: 'codes lie in the grid of bits', breakIt: (m) => { m.constants[0].quant.bits = 3; }, field: 'constants[0].data[0]', message: /code -7 is outside the 3-bit grid -4\.\.3/ },
  { rule: 'float constants are finite', breakIt: (m) => { m.constants.push({ name: 'f', dtype: 'float32', shape: [2], data: Float32Array.of(1, NaN) }); }, field: 'constants[4].data[1]', message: /must be finite, got NaN/ },
  { rule: 'quantized constants need quant', breakIt: (m) => { delete m.constants[0].quant; }, field: 'constants[0].quant', message: /an int8 constant needs quant params/ },
  { rule: 'unknown dtypes', breakIt: (m) => { m.constants[0].dtype = 'int64'; }, field: 'constants[0].dtype', message: /unknown dtype "int64"/ },
  // quant params
  { rule: 'scales > 0', breakIt: (m) => { m.values[1].quant.scale[0] = 0; }, field: 'values[1].quant.scale[0]', message: /finite and > 0, a normal float32 \(>= 2\^-126\), got 0/ },
  { rule: 'scales are normal float32', breakIt: (m) => { m.values[1].quant.scale[0] = 1e-40; }, field: 'values[1].quant.scale[0]', message: /normal float32.*got 9\.9999/ },
  { rule: 'scales finite', breakIt: (m) => { m.constants[0].quant.scale[2] = Infinity; }, field: 'constants[0].quant.scale[2]', message: /finite and > 0, .*got Infinity/ },
  { rule: 'scales not NaN', breakIt: (m) => { m.values[2].quant.scale[0] = NaN; }, field: 'values[2].quant.scale[0]', message: /got NaN/ },
  { rule: 'scale is a Float32Array', breakIt: (m) => { m.values[1].quant.scale = [0.02]; }, field: 'values[1].quant.scale', message: /must be a Float32Array/ },
  { rule: 'zero points in the int8 range', breakIt: (m) => { m.values[1].quant.zeroPoint[0] = 128; }, field: 'values[1].quant.zeroPoint[0]', message: /128 is outside the 8-bit int8 grid -128\.\.127/ },
  { rule: 'zero points in the uint8 range', breakIt: (m) => { m.values[1].dtype = 'uint8'; }, field: 'values[1].quant.zeroPoint[0]', message: /-10 is outside the 8-bit uint8 grid 0\.\.255/ },
  { rule: 'zero points in the grid of bits', breakIt: (m) => { m.values[1].quant.bits = 4; }, field: 'values[1].quant.zeroPoint[0]', message: /-10 is outside the 4-bit int8 grid -8\.\.7/ },
  { rule: 'zero point length = scale length', breakIt: (m) => { m.constants[0].quant.zeroPoint = new Int32Array(3); }, field: 'constants[0].quant.zeroPoint', message: /length 3, scale has 4/ },
  { rule: 'per-channel length matches the axis', breakIt: (m) => { m.constants[0].quant.axis = 2; }, field: 'constants[0].quant.scale', message: /length 4; axis 2 has 2 channels/ },
  { rule: 'per-tensor has one scale', breakIt: (m) => { delete m.constants[0].quant.axis; }, field: 'constants[0].quant.scale', message: /per-tensor params have one scale/ },
  { rule: 'axis inside the rank', breakIt: (m) => { m.constants[0].quant.axis = 4; }, field: 'constants[0].quant.axis', message: /integer in 0\.\.3/ },
  { rule: 'bits in 2..8 for int8', breakIt: (m) => { m.values[1].quant.bits = 9; }, field: 'values[1].quant.bits', message: /must be 2\.\.8 for int8, got 9/ },
  { rule: 'bits of int4 at most 4', breakIt: (m) => { m.constants[0].dtype = 'int4'; m.constants[0].data = packCodes('int4', new Array(72).fill(1)); }, field: 'constants[0].quant.bits', message: /must be 2\.\.4 for int4, got 8/ },
  { rule: 'int32 bits are 32', breakIt: (m) => { m.constants[1].quant.bits = 8; }, field: 'constants[1].quant.bits', message: /must be 32 for int32/ },
  { rule: 'activations are per-tensor', breakIt: (m) => { m.values[1].quant = makeQuant({ scale: [0.02, 0.02], zeroPoint: [-10, -10], axis: 3 }); }, field: 'values[1].quant.axis', message: /per-tensor/ },
  { rule: 'float values have no quant', breakIt: (m) => { m.values[0].quant = makeQuant({ scale: 1 }); }, field: 'values[0].quant', message: /float32 value has no quant/ },
  { rule: 'int values have quant', breakIt: (m) => { delete m.values[2].quant; }, field: 'values[2].quant', message: /int8 value needs quant params/ },
  // op-specific quant rules
  { rule: 'weight zero points lie in the weight grid', breakIt: (m) => { m.constants[0].quant.zeroPoint[1] = 128; }, field: 'constants[0].quant.zeroPoint[1]', message: /128 is outside the 8-bit int8 grid -128\.\.127/ },
  { rule: 'per-channel weights use the output-channel axis', breakIt: (m) => { m.constants[2].quant = makeQuant({ scale: new Array(64).fill(0.01), axis: 0 }); }, field: 'nodes[4].inputs[1]', message: /must use axis 1, got axis 0/ },
  { rule: 'bias scale is s_x * s_w', breakIt: (m) => { m.constants[1].quant.scale[2] *= 1.0001; }, field: 'nodes[1].inputs[2]', message: /at channel 2: want scale/ },
  { rule: 'bias zero point is 0', breakIt: (m) => { m.constants[3].quant.zeroPoint[0] = 1; }, field: 'nodes[4].inputs[2]', message: /zero point 0/ },
  { rule: 'bias has quant', breakIt: (m) => { delete m.constants[3].quant; }, field: 'nodes[4].inputs[2]', message: /needs quant params/ },
  { rule: 'bias shape', breakIt: (m) => { m.nodes[4].inputs[2] = 'conv.b'; }, field: 'nodes[4].inputs[2]', message: /must have shape \[3\], got \[4\]/ },
  { rule: 'add rescales are normal float32', breakIt: (m) => { m.nodes[4] = { op: 'add', name: 'sum', inputs: ['flat', 'flat'], outputs: ['fc'], attrs: { clamp: [-128, 127] } }; m.values[5].shape = [-1, 64]; m.values[5].quant.scale[0] = 3e38; }, field: 'nodes[4].outputs[0]', message: /rescale s_in \/ s_y of 'flat' = .* is not a normal float32/ },
  { rule: 'maxPool keeps its input quant', breakIt: (m) => { m.values[3].quant = makeQuant({ scale: 0.06, zeroPoint: -128 }); }, field: 'nodes[2].outputs[0]', message: /exactly its input's quant params/ },
  { rule: 'the requant multiplier is a normal float32', breakIt: (m) => { m.values[2].quant.scale[0] = 3e38; }, field: 'nodes[1].outputs[0]', message: /requantization multiplier .* is not a normal float32/ },
  { rule: 'the requant multiplier is finite', breakIt: (m) => { m.nodes[1].inputs.pop(); m.values[1].quant.scale[0] = 3e38; m.values[2].quant.scale[0] = 2 ** -126; }, field: 'nodes[1].outputs[0]', message: /= Infinity is not a normal float32/ },
  {
    rule: 'the accumulator cannot overflow int32',
    breakIt: (m) => {
      m.constants[3].data[0] = 2 ** 31 - 1;
    },
    field: 'nodes[4].inputs', message: /int32 accumulator could overflow/,
  },
];

describe('validateModel', () => {
  it('accepts the base model', () => {
    expect(() => validateModel(buildSmall())).not.toThrow();
  });

  for (const c of cases) {
    it(`rejects a model that breaks: ${c.rule}`, () => {
      const m = mutableCopy(buildSmall());
      c.breakIt(m);
      expectModelError(() => validateModel(m), c.field, c.message);
    });
  }

  it('rejects things that are not models', () => {
    for (const v of [null, undefined, 3, 'model', [], new Uint8Array(4)]) {
      expectModelError(() => validateModel(v), 'model', /must be an object/);
    }
  });
});
