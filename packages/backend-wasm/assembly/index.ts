// Entry point of the SIMD128 kernel module (asc --enable simd). Every export takes byte offsets
// into the imported memory; src/ (TypeScript) validates shapes and ranges before any call.
export { pack_lhs_s8_4xk2_s16 } from './pack/pack-lhs-s8-4xk2-s16';
export { pack_rhs_s8_8xk2_s16, packed_rhs_panel_bytes } from './pack/pack-rhs-s8-8xk2-s16';
export { gemm_s8s8_dot16 } from './gemm/gen/gemm-s8s8-dot16';
export { peak_dot16_4x8_l1, peak_dot16_4x8_registers } from './gemm/peak-dot16-4x8';
export { pad_s8_nhwc } from './conv/pad-s8-nhwc';
export { conv2d_s8s8_nhwc_dot16 } from './conv/conv2d-s8s8-nhwc-dot16';
export { dwconv2d_s8s8_nhwc_fp32 } from './conv/dwconv2d-s8s8-nhwc-fp32';
export { maxpool2d_s8_nhwc } from './pool/maxpool2d-s8-nhwc';
export { avgpool2d_s8_nhwc_fp32 } from './pool/avgpool2d-s8-nhwc-fp32';
export { quantize_f32_s8_fp32 } from './eltwise/quantize-f32-s8-fp32';
export { dequantize_s8_f32 } from './eltwise/dequantize-s8-f32';
export { add_s8s8_fp32 } from './eltwise/add-s8s8-fp32';
export { binary_s8s8_fp32 } from './eltwise/binary-s8s8-fp32';
export { unary_f32 } from './float/unary-f32';
export { binary_f32 } from './float/binary-f32';
export { lstm_gates_s16_f32x4 } from './recurrent/lstm-gates-s16-f32x4';
export { gru_gates_s8_f32x4 } from './recurrent/gru-gates-s8-f32x4';
export { layer_norm_f32x4, softmax_f32x4, gelu_f32x4 } from './float/rows-f32x4';

/** First byte after the module's static data: the TypeScript heap starts at or above it. */
export function heap_base(): usize {
  return __heap_base;
}
