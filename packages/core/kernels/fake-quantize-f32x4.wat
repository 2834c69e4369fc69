;; Per-tensor fake quantization over float32 tensors in tfjs-backend-wasm's own heap (the memory is
;; imported, so no tensor is copied). Pointers are byte offsets; n is the element count. Four lanes
;; at a time, a scalar tail. The arithmetic is the TypeScript kernel's, step for step:
;;   v = x / s (f32 division), r = nearest(v) (round half to even), c = clamp(r, lo, hi),
;;   y = c * s (f32), where lo = qmin - zp and hi = qmax - zp.
;; Finiteness is tracked as sum(x * 0), NaN iff some element is NaN or infinite.
(module
  (import "env" "memory" (memory 0))

  ;; min, max and whether every element is finite (1) or not (0)
  (func (export "minmax") (param $p i32) (param $n i32) (result f32 f32 i32)
    (local $i i32) (local $end i32) (local $v v128) (local $lo v128) (local $hi v128) (local $acc v128)
    (local $smin f32) (local $smax f32) (local $sacc f32) (local $x f32)
    (local.set $lo (f32x4.splat (f32.const inf)))
    (local.set $hi (f32x4.splat (f32.const -inf)))
    (local.set $end (i32.and (local.get $n) (i32.const -4)))
    (block $done
      (loop $body
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $v (v128.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $lo (f32x4.pmin (local.get $lo) (local.get $v)))
        (local.set $hi (f32x4.pmax (local.get $hi) (local.get $v)))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $v) (f32x4.splat (f32.const 0)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $body)))
    (local.set $smin (f32.min (f32.min (f32x4.extract_lane 0 (local.get $lo)) (f32x4.extract_lane 1 (local.get $lo)))
                              (f32.min (f32x4.extract_lane 2 (local.get $lo)) (f32x4.extract_lane 3 (local.get $lo)))))
    (local.set $smax (f32.max (f32.max (f32x4.extract_lane 0 (local.get $hi)) (f32x4.extract_lane 1 (local.get $hi)))
                              (f32.max (f32x4.extract_lane 2 (local.get $hi)) (f32x4.extract_lane 3 (local.get $hi)))))
    (local.set $sacc (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
                              (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
    (block $tdone
      (loop $tail
        (br_if $tdone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $x (f32.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $smin (f32.min (local.get $smin) (local.get $x)))
        (local.set $smax (f32.max (local.get $smax) (local.get $x)))
        (local.set $sacc (f32.add (local.get $sacc) (f32.mul (local.get $x) (f32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail)))
    (local.get $smin) (local.get $smax) (f32.eq (local.get $sacc) (local.get $sacc)))

  ;; out = fakeQuantize(x); returns 1 when every x is finite
  (func (export "forward") (param $x i32) (param $out i32) (param $n i32) (param $s f32) (param $lo f32) (param $hi f32) (result i32)
    (local $i i32) (local $end i32) (local $off i32) (local $v v128) (local $acc v128)
    (local $S v128) (local $LO v128) (local $HI v128) (local $sacc f32) (local $xs f32)
    (local.set $S (f32x4.splat (local.get $s)))
    (local.set $LO (f32x4.splat (local.get $lo)))
    (local.set $HI (f32x4.splat (local.get $hi)))
    (local.set $end (i32.and (local.get $n) (i32.const -4)))
    (block $done
      (loop $body
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        (local.set $v (v128.load (i32.add (local.get $x) (local.get $off))))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $v) (f32x4.splat (f32.const 0)))))
        (v128.store (i32.add (local.get $out) (local.get $off))
          (f32x4.mul
            (f32x4.pmax (local.get $LO) (f32x4.pmin (local.get $HI) (f32x4.nearest (f32x4.div (local.get $v) (local.get $S)))))
            (local.get $S)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $body)))
    (local.set $sacc (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
                              (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
    (block $tdone
      (loop $tail
        (br_if $tdone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        (local.set $xs (f32.load (i32.add (local.get $x) (local.get $off))))
        (local.set $sacc (f32.add (local.get $sacc) (f32.mul (local.get $xs) (f32.const 0))))
        (f32.store (i32.add (local.get $out) (local.get $off))
          (f32.mul
            (f32.max (local.get $lo) (f32.min (local.get $hi) (f32.nearest (f32.div (local.get $xs) (local.get $s)))))
            (local.get $s)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail)))
    (f32.eq (local.get $sacc) (local.get $sacc)))

  ;; out = dy where lo <= nearest(x / s) <= hi, else 0 (the clipped straight-through estimator)
  (func (export "gradX") (param $dy i32) (param $x i32) (param $out i32) (param $n i32) (param $s f32) (param $lo f32) (param $hi f32)
    (local $i i32) (local $end i32) (local $off i32) (local $r v128) (local $S v128) (local $LO v128) (local $HI v128) (local $rs f32)
    (local.set $S (f32x4.splat (local.get $s)))
    (local.set $LO (f32x4.splat (local.get $lo)))
    (local.set $HI (f32x4.splat (local.get $hi)))
    (local.set $end (i32.and (local.get $n) (i32.const -4)))
    (block $done
      (loop $body
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        (local.set $r (f32x4.nearest (f32x4.div (v128.load (i32.add (local.get $x) (local.get $off))) (local.get $S))))
        (v128.store (i32.add (local.get $out) (local.get $off))
          (v128.and (v128.load (i32.add (local.get $dy) (local.get $off)))
                    (v128.and (f32x4.ge (local.get $r) (local.get $LO)) (f32x4.le (local.get $r) (local.get $HI)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $body)))
    (block $tdone
      (loop $tail
        (br_if $tdone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        (local.set $rs (f32.nearest (f32.div (f32.load (i32.add (local.get $x) (local.get $off))) (local.get $s))))
        (f32.store (i32.add (local.get $out) (local.get $off))
          (select (f32.load (i32.add (local.get $dy) (local.get $off))) (f32.const 0)
                  (i32.and (f32.ge (local.get $rs) (local.get $lo)) (f32.le (local.get $rs) (local.get $hi)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail))))

  ;; sum of dy * g in float64, g = r - v inside, lo or hi where clipped (LSQ's scale gradient)
  (func (export "gradScale") (param $dy i32) (param $x i32) (param $n i32) (param $s f32) (param $lo f32) (param $hi f32) (result f64)
    (local $i i32) (local $end i32) (local $off i32) (local $v v128) (local $r v128) (local $c v128) (local $g v128) (local $d v128)
    (local $S v128) (local $LO v128) (local $HI v128) (local $acc v128)
    (local $vs f32) (local $rs f32) (local $cs f32) (local $sum f64)
    (local.set $S (f32x4.splat (local.get $s)))
    (local.set $LO (f32x4.splat (local.get $lo)))
    (local.set $HI (f32x4.splat (local.get $hi)))
    (local.set $end (i32.and (local.get $n) (i32.const -4)))
    (block $done
      (loop $body
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        (local.set $v (f32x4.div (v128.load (i32.add (local.get $x) (local.get $off))) (local.get $S)))
        (local.set $r (f32x4.nearest (local.get $v)))
        (local.set $c (f32x4.pmax (local.get $LO) (f32x4.pmin (local.get $HI) (local.get $r))))
        (local.set $g (v128.bitselect (f32x4.sub (local.get $r) (local.get $v)) (local.get $c) (f32x4.eq (local.get $c) (local.get $r))))
        (local.set $d (v128.load (i32.add (local.get $dy) (local.get $off))))
        (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (f64x2.promote_low_f32x4 (local.get $d)) (f64x2.promote_low_f32x4 (local.get $g)))))
        (local.set $acc (f64x2.add (local.get $acc)
          (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $d) (local.get $d)))
                     (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $g) (local.get $g))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $body)))
    (local.set $sum (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
    (block $tdone
      (loop $tail
        (br_if $tdone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        (local.set $vs (f32.div (f32.load (i32.add (local.get $x) (local.get $off))) (local.get $s)))
        (local.set $rs (f32.nearest (local.get $vs)))
        (local.set $cs (f32.max (local.get $lo) (f32.min (local.get $hi) (local.get $rs))))
        (local.set $sum (f64.add (local.get $sum)
          (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $dy) (local.get $off))))
                   (f64.promote_f32 (select (f32.sub (local.get $rs) (local.get $vs)) (local.get $cs) (f32.eq (local.get $cs) (local.get $rs)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail)))
    (local.get $sum))

  ;; sum of dy where the code was clipped, in float64 (the zero point's gradient is -s times it)
  (func (export "gradZeroPoint") (param $dy i32) (param $x i32) (param $n i32) (param $s f32) (param $lo f32) (param $hi f32) (result f64)
    (local $i i32) (local $end i32) (local $off i32) (local $r v128) (local $d v128) (local $S v128) (local $LO v128) (local $HI v128)
    (local $acc v128) (local $rs f32) (local $sum f64)
    (local.set $S (f32x4.splat (local.get $s)))
    (local.set $LO (f32x4.splat (local.get $lo)))
    (local.set $HI (f32x4.splat (local.get $hi)))
    (local.set $end (i32.and (local.get $n) (i32.const -4)))
    (block $done
      (loop $body
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        (local.set $r (f32x4.nearest (f32x4.div (v128.load (i32.add (local.get $x) (local.get $off))) (local.get $S))))
        (local.set $d (v128.andnot (v128.load (i32.add (local.get $dy) (local.get $off)))
                                   (v128.and (f32x4.ge (local.get $r) (local.get $LO)) (f32x4.le (local.get $r) (local.get $HI)))))
        (local.set $acc (f64x2.add (local.get $acc) (f64x2.promote_low_f32x4 (local.get $d))))
        (local.set $acc (f64x2.add (local.get $acc) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $d) (local.get $d)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $body)))
    (local.set $sum (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
    (block $tdone
      (loop $tail
        (br_if $tdone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        (local.set $rs (f32.nearest (f32.div (f32.load (i32.add (local.get $x) (local.get $off))) (local.get $s))))
        (if (i32.eqz (i32.and (f32.ge (local.get $rs) (local.get $lo)) (f32.le (local.get $rs) (local.get $hi))))
          (then (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (f32.load (i32.add (local.get $dy) (local.get $off))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail)))
    (local.get $sum))
)
