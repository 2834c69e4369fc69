// The frame every W panel shares (both GEMM families): 8 int32 biases before the weights and 8 fp32
// multipliers after them. Columns past n get 0 for both.

/** Writes the panel's biases (at p) and multipliers (at p + 32 + weightBytes) for columns j0..j0+7 of n. */
@inline export function storePanelFrame(p: usize, weightBytes: usize, j0: i32, n: i32, bias: usize, mult: usize): void {
  for (let jj = 0; jj < 8; jj++) {
    const j = j0 + jj;
    const inside = j < n;
    store<i32>(p + <usize>jj * 4, inside && bias != 0 ? load<i32>(bias + <usize>j * 4) : 0);
    store<f32>(p + 32 + weightBytes + <usize>jj * 4, inside && mult != 0 ? load<f32>(mult + <usize>j * 4) : 0);
  }
}
