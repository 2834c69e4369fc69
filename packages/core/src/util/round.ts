// Round half to even is defined once, in @qatjs/ir's numerics (docs/numerics.md).
export { roundHalfEven } from '@qatjs/ir';
