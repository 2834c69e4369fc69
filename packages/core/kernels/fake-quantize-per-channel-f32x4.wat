;; Per-channel fake quantization over float32 tensors in tfjs-backend-wasm's heap (the memory is
;; imported; pointers are byte offsets, n is an element count). The arithmetic is the TypeScript
;; kernel's (src/ops/fake-quantize-math.ts), step for step and bit for bit:
;;   v = x / s (f32 division), r = nearest(v) + 0 (round half to even; + 0 turns -0 into +0 as the
;;   TypeScript rounding does), c = clamp(r, lo, hi), y = c * s, where lo = qmin - zp, hi = qmax - zp.
;;
;; "Lanes" kernels: the parameters of element i are entry i mod P of three tables sP, loP, hiP
;; (float32, P + 3 entries each, entry P + k repeating entry k so that four lanes load at any
;; position). P = C * inner; entry j holds channel floor(j / inner) mod C. Four lanes a step, a
;; scalar tail.
;;
;; Gradient sums (float64) reproduce the TypeScript summation order exactly:
;;   - inner = 1 ("Lanes" kernels): acc[c] += dy * g, element by element in memory order; the four
;;     lanes of a step are four different channels when C >= 4 and are added in lane order otherwise.
;;   - inner > 1 ("Runs" kernels): each run of `inner` elements is summed left to right from 0, then
;;     added to acc[c].
;; acc is float64[C], zeroed by the caller.
(module
  (import "env" "memory" (memory 0))

  ;; out = fakeQuantize(x); returns 1 when every x is finite
  (func (export "forwardLanes") (param $x i32) (param $out i32) (param $n i32) (param $sP i32) (param $loP i32) (param $hiP i32) (param $period i32) (result i32)
    (local $i i32) (local $end i32) (local $off i32) (local $p i32) (local $q i32) (local $v v128) (local $S v128) (local $acc v128)
    (local $sacc f32) (local $xs f32) (local $s f32)
    (local.set $end (i32.and (local.get $n) (i32.const -4)))
    (block $done
      (loop $body
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        (local.set $q (i32.shl (local.get $p) (i32.const 2)))
        (local.set $v (v128.load (i32.add (local.get $x) (local.get $off))))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $v) (f32x4.splat (f32.const 0)))))
        (local.set $S (v128.load (i32.add (local.get $sP) (local.get $q))))
        (v128.store (i32.add (local.get $out) (local.get $off))
          (f32x4.mul
            (f32x4.pmax (v128.load (i32.add (local.get $loP) (local.get $q)))
              (f32x4.pmin (v128.load (i32.add (local.get $hiP) (local.get $q)))
                (f32x4.add (f32x4.nearest (f32x4.div (local.get $v) (local.get $S))) (f32x4.splat (f32.const 0)))))
            (local.get $S)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (if (i32.ge_u (local.get $p) (local.get $period)) (then (local.set $p (i32.rem_u (local.get $p) (local.get $period)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $body)))
    (local.set $sacc (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
                              (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
    (block $tdone
      (loop $tail
        (br_if $tdone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        (local.set $q (i32.shl (local.get $p) (i32.const 2)))
        (local.set $xs (f32.load (i32.add (local.get $x) (local.get $off))))
        (local.set $s (f32.load (i32.add (local.get $sP) (local.get $q))))
        (local.set $sacc (f32.add (local.get $sacc) (f32.mul (local.get $xs) (f32.const 0))))
        (f32.store (i32.add (local.get $out) (local.get $off))
          (f32.mul
            (f32.max (f32.load (i32.add (local.get $loP) (local.get $q)))
              (f32.min (f32.load (i32.add (local.get $hiP) (local.get $q)))
                (f32.add (f32.nearest (f32.div (local.get $xs) (local.get $s))) (f32.const 0))))
            (local.get $s)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (if (i32.ge_u (local.get $p) (local.get $period)) (then (local.set $p (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail)))
    (f32.eq (local.get $sacc) (local.get $sacc)))

  ;; out = dy where lo <= nearest(x / s) <= hi, else 0 (the clipped straight-through estimator)
  (func (export "gradXLanes") (param $dy i32) (param $x i32) (param $out i32) (param $n i32) (param $sP i32) (param $loP i32) (param $hiP i32) (param $period i32)
    (local $i i32) (local $end i32) (local $off i32) (local $p i32) (local $q i32) (local $r v128) (local $rs f32)
    (local.set $end (i32.and (local.get $n) (i32.const -4)))
    (block $done
      (loop $body
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        (local.set $q (i32.shl (local.get $p) (i32.const 2)))
        (local.set $r (f32x4.nearest (f32x4.div (v128.load (i32.add (local.get $x) (local.get $off))) (v128.load (i32.add (local.get $sP) (local.get $q))))))
        (v128.store (i32.add (local.get $out) (local.get $off))
          (v128.and (v128.load (i32.add (local.get $dy) (local.get $off)))
                    (v128.and (f32x4.ge (local.get $r) (v128.load (i32.add (local.get $loP) (local.get $q))))
                              (f32x4.le (local.get $r) (v128.load (i32.add (local.get $hiP) (local.get $q)))))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (if (i32.ge_u (local.get $p) (local.get $period)) (then (local.set $p (i32.rem_u (local.get $p) (local.get $period)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $body)))
    (block $tdone
      (loop $tail
        (br_if $tdone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        (local.set $q (i32.shl (local.get $p) (i32.const 2)))
        (local.set $rs (f32.nearest (f32.div (f32.load (i32.add (local.get $x) (local.get $off))) (f32.load (i32.add (local.get $sP) (local.get $q))))))
        (f32.store (i32.add (local.get $out) (local.get $off))
          (select (f32.load (i32.add (local.get $dy) (local.get $off))) (f32.const 0)
                  (i32.and (f32.ge (local.get $rs) (f32.load (i32.add (local.get $loP) (local.get $q))))
                           (f32.le (local.get $rs) (f32.load (i32.add (local.get $hiP) (local.get $q)))))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (if (i32.ge_u (local.get $p) (local.get $period)) (then (local.set $p (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail))))

  ;; The per-element terms of the parameter gradients, four lanes in, two f64x2 out (lanes 0-1, 2-3):
  ;; $wrt 0 (scale): dy * g with g = r - v inside, lo or hi where clipped (LSQ);
  ;; $wrt 1 (zero point): (0 - dy) * G where clipped, 0 * G inside (LSQ+; G = s per element, or 1
  ;; where the caller multiplies a run's sum by s as the TypeScript kernel does).
  (func $terms (param $dyv v128) (param $xv v128) (param $S v128) (param $LO v128) (param $HI v128) (param $G v128) (param $wrt i32) (result v128 v128)
    (local $v v128) (local $r v128) (local $c v128) (local $g v128) (local $d v128) (local $h v128)
    (local.set $v (f32x4.div (local.get $xv) (local.get $S)))
    (local.set $r (f32x4.add (f32x4.nearest (local.get $v)) (f32x4.splat (f32.const 0))))
    (if (i32.eqz (local.get $wrt))
      (then
        (local.set $c (f32x4.pmax (local.get $LO) (f32x4.pmin (local.get $HI) (local.get $r))))
        (local.set $g (v128.bitselect (f32x4.sub (local.get $r) (local.get $v)) (local.get $c) (f32x4.eq (local.get $c) (local.get $r))))
        (local.set $d (local.get $dyv)))
      (else
        (local.set $d (v128.andnot (f32x4.sub (f32x4.splat (f32.const 0)) (local.get $dyv))
                                   (v128.and (f32x4.ge (local.get $r) (local.get $LO)) (f32x4.le (local.get $r) (local.get $HI)))))
        (local.set $g (local.get $G))))
    (local.set $h (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $d) (local.get $d)))
    (f64x2.mul (f64x2.promote_low_f32x4 (local.get $d)) (f64x2.promote_low_f32x4 (local.get $g)))
    (f64x2.mul (f64x2.promote_low_f32x4 (local.get $h))
               (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $g) (local.get $g)))))

  ;; acc[c] += term, inner = 1 (P = C): per-channel accumulators in memory order
  (func (export "gradParamLanes") (param $dy i32) (param $x i32) (param $n i32) (param $sP i32) (param $loP i32) (param $hiP i32) (param $C i32) (param $acc i32) (param $wrt i32)
    (local $i i32) (local $end i32) (local $off i32) (local $p i32) (local $q i32) (local $k i32) (local $a i32)
    (local $lo v128) (local $hi v128) (local $t f64)
    (local.set $end (i32.and (local.get $n) (i32.const -4)))
    (block $done
      (loop $body
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        (local.set $q (i32.shl (local.get $p) (i32.const 2)))
        (call $terms
          (v128.load (i32.add (local.get $dy) (local.get $off)))
          (v128.load (i32.add (local.get $x) (local.get $off)))
          (v128.load (i32.add (local.get $sP) (local.get $q)))
          (v128.load (i32.add (local.get $loP) (local.get $q)))
          (v128.load (i32.add (local.get $hiP) (local.get $q)))
          (v128.load (i32.add (local.get $sP) (local.get $q)))
          (local.get $wrt))
        (local.set $hi)
        (local.set $lo)
        (if (i32.le_u (i32.add (local.get $p) (i32.const 4)) (local.get $C))
          (then
            ;; four different channels p..p+3
            (local.set $a (i32.add (local.get $acc) (i32.shl (local.get $p) (i32.const 3))))
            (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a)) (local.get $lo)))
            (v128.store offset=16 (local.get $a) (f64x2.add (v128.load offset=16 (local.get $a)) (local.get $hi))))
          (else
            ;; the step wraps around the channels: lane by lane, in order
            (local.set $k (local.get $p))
            (local.set $t (f64x2.extract_lane 0 (local.get $lo)))
            (local.set $a (i32.add (local.get $acc) (i32.shl (local.get $k) (i32.const 3))))
            (f64.store (local.get $a) (f64.add (f64.load (local.get $a)) (local.get $t)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (if (i32.ge_u (local.get $k) (local.get $C)) (then (local.set $k (i32.const 0))))
            (local.set $t (f64x2.extract_lane 1 (local.get $lo)))
            (local.set $a (i32.add (local.get $acc) (i32.shl (local.get $k) (i32.const 3))))
            (f64.store (local.get $a) (f64.add (f64.load (local.get $a)) (local.get $t)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (if (i32.ge_u (local.get $k) (local.get $C)) (then (local.set $k (i32.const 0))))
            (local.set $t (f64x2.extract_lane 0 (local.get $hi)))
            (local.set $a (i32.add (local.get $acc) (i32.shl (local.get $k) (i32.const 3))))
            (f64.store (local.get $a) (f64.add (f64.load (local.get $a)) (local.get $t)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (if (i32.ge_u (local.get $k) (local.get $C)) (then (local.set $k (i32.const 0))))
            (local.set $t (f64x2.extract_lane 1 (local.get $hi)))
            (local.set $a (i32.add (local.get $acc) (i32.shl (local.get $k) (i32.const 3))))
            (f64.store (local.get $a) (f64.add (f64.load (local.get $a)) (local.get $t)))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (if (i32.ge_u (local.get $p) (local.get $C)) (then (local.set $p (i32.rem_u (local.get $p) (local.get $C)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $body)))
    ;; tail: one element a step through lane 0 of the same terms
    (block $tdone
      (loop $tail
        (br_if $tdone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        (local.set $q (i32.shl (local.get $p) (i32.const 2)))
        (call $terms
          (v128.load32_zero (i32.add (local.get $dy) (local.get $off)))
          (v128.load32_zero (i32.add (local.get $x) (local.get $off)))
          (f32x4.splat (f32.load (i32.add (local.get $sP) (local.get $q))))
          (f32x4.splat (f32.load (i32.add (local.get $loP) (local.get $q))))
          (f32x4.splat (f32.load (i32.add (local.get $hiP) (local.get $q))))
          (f32x4.splat (f32.load (i32.add (local.get $sP) (local.get $q))))
          (local.get $wrt))
        (drop)
        (local.set $lo)
        (local.set $a (i32.add (local.get $acc) (i32.shl (local.get $p) (i32.const 3))))
        (f64.store (local.get $a) (f64.add (f64.load (local.get $a)) (f64x2.extract_lane 0 (local.get $lo))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (if (i32.ge_u (local.get $p) (local.get $C)) (then (local.set $p (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail))))

  ;; acc[c] += (the run's terms summed left to right from 0), inner > 1; sP/loP/hiP indexed by channel.
  ;; The zero point's run sums 0 - dy and is multiplied by s once, as the TypeScript kernel does.
  (func (export "gradParamRuns") (param $dy i32) (param $x i32) (param $outer i32) (param $C i32) (param $inner i32) (param $sP i32) (param $loP i32) (param $hiP i32) (param $acc i32) (param $wrt i32)
    (local $o i32) (local $c i32) (local $j i32) (local $end i32) (local $off i32) (local $a i32) (local $q i32)
    (local $S v128) (local $LO v128) (local $HI v128) (local $G v128) (local $lo v128) (local $hi v128) (local $run f64)
    (local.set $end (i32.and (local.get $inner) (i32.const -4)))
    (local.set $G (f32x4.splat (f32.const 1)))
    (block $odone
      (loop $obody
        (br_if $odone (i32.ge_u (local.get $o) (local.get $outer)))
        (local.set $c (i32.const 0))
        (block $cdone
          (loop $cbody
            (br_if $cdone (i32.ge_u (local.get $c) (local.get $C)))
            (local.set $q (i32.shl (local.get $c) (i32.const 2)))
            (local.set $S (f32x4.splat (f32.load (i32.add (local.get $sP) (local.get $q)))))
            (local.set $LO (f32x4.splat (f32.load (i32.add (local.get $loP) (local.get $q)))))
            (local.set $HI (f32x4.splat (f32.load (i32.add (local.get $hiP) (local.get $q)))))
            (local.set $run (f64.const 0))
            (local.set $j (i32.const 0))
            (block $jdone
              (loop $jbody
                (br_if $jdone (i32.ge_u (local.get $j) (local.get $end)))
                (call $terms (v128.load (i32.add (local.get $dy) (local.get $off))) (v128.load (i32.add (local.get $x) (local.get $off)))
                             (local.get $S) (local.get $LO) (local.get $HI) (local.get $G) (local.get $wrt))
                (local.set $hi)
                (local.set $lo)
                (local.set $run (f64.add (local.get $run) (f64x2.extract_lane 0 (local.get $lo))))
                (local.set $run (f64.add (local.get $run) (f64x2.extract_lane 1 (local.get $lo))))
                (local.set $run (f64.add (local.get $run) (f64x2.extract_lane 0 (local.get $hi))))
                (local.set $run (f64.add (local.get $run) (f64x2.extract_lane 1 (local.get $hi))))
                (local.set $off (i32.add (local.get $off) (i32.const 16)))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $jbody)))
            (block $tdone
              (loop $tail
                (br_if $tdone (i32.ge_u (local.get $j) (local.get $inner)))
                (call $terms (v128.load32_zero (i32.add (local.get $dy) (local.get $off))) (v128.load32_zero (i32.add (local.get $x) (local.get $off)))
                             (local.get $S) (local.get $LO) (local.get $HI) (local.get $G) (local.get $wrt))
                (drop)
                (local.set $lo)
                (local.set $run (f64.add (local.get $run) (f64x2.extract_lane 0 (local.get $lo))))
                (local.set $off (i32.add (local.get $off) (i32.const 4)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $tail)))
            (if (local.get $wrt)
              (then (local.set $run (f64.mul (local.get $run) (f64.promote_f32 (f32x4.extract_lane 0 (local.get $S)))))))
            (local.set $a (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 3))))
            (f64.store (local.get $a) (f64.add (f64.load (local.get $a)) (local.get $run)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $cbody)))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $obody))))
)
